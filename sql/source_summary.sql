-- One row per outlet: how much it published and how many entities it names.
-- Articles whose outlet is not known are grouped under '(unknown)'.
WITH per_article AS (
    SELECT
        a.article_id,
        coalesce(a.source_name, '(unknown)') AS source_name,
        a.n_chars,
        coalesce(a.published_at, a.ingested_at) AS article_time,
        (SELECT coalesce(sum(ae.mention_count), 0) FROM article_entities AS ae
          WHERE ae.article_id = a.article_id) AS mention_count
    FROM articles AS a
    WHERE a.superseded_by IS NULL AND a.deleted_at IS NULL
)
SELECT
    p.source_name,
    count(*) AS article_count,
    round(avg(p.n_chars))::BIGINT AS avg_chars,
    min(p.article_time) AS first_article,
    max(p.article_time) AS last_article,
    sum(p.mention_count)::BIGINT AS mention_count,
    (SELECT count(DISTINCT ae.entity_id) FROM article_entities AS ae
       JOIN articles AS a2 USING (article_id)
      WHERE a2.superseded_by IS NULL AND a2.deleted_at IS NULL AND coalesce(a2.source_name, '(unknown)') = p.source_name) AS distinct_entities
FROM per_article AS p
GROUP BY p.source_name
ORDER BY article_count DESC, p.source_name
