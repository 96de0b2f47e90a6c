-- One row per entity named in at least one article.
-- first_seen / last_seen use the publication time when the input carries it,
-- else the time the article was ingested.
SELECT
    ae.entity_id,
    any_value(ae.canonical_name) AS canonical_name,
    any_value(ae.entity_type)    AS entity_type,
    any_value(e.name_en)         AS name_en,
    count(DISTINCT ae.article_id) AS article_count,
    -- the same wire story on several sites counts once here
    count(DISTINCT ae.story_id) AS story_count,
    -- articles that name it in their title
    count(DISTINCT ae.article_id) FILTER (WHERE ae.title_mention_count > 0) AS title_article_count,
    sum(ae.mention_count)::BIGINT AS mention_count,
    sum(ae.nisba_count)::BIGINT   AS nisba_count,
    min(ae.article_time) AS first_seen,
    max(ae.article_time) AS last_seen,
    (SELECT count(*) FROM articles WHERE superseded_by IS NULL AND deleted_at IS NULL) AS total_articles
FROM article_entities AS ae
JOIN entities AS e USING (entity_id)
GROUP BY ae.entity_id
ORDER BY article_count DESC, mention_count DESC, entity_id
