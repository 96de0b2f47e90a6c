-- One row per (article, entity) that the article names.
-- Nisba adjectives (الروسي) are kept apart: they describe, they do not name,
-- so they are counted in nisba_count and never make an entity "present".
-- story_id groups syndicated copies (near-duplicates) under the first article of the story.
-- Mentions come from the title (field = 'title') and the body (field = 'body').
SELECT
    m.article_id,
    coalesce(a.duplicate_of, a.article_id) AS story_id,
    m.entity_id,
    e.canonical_name,
    e.entity_type,
    -- title and body both count; title_mention_count says how many were in the title
    count(*) FILTER (WHERE m.mention_kind = 'name')  AS mention_count,
    count(*) FILTER (WHERE m.mention_kind = 'name' AND m.field = 'title') AS title_mention_count,
    count(*) FILTER (WHERE m.mention_kind = 'nisba') AS nisba_count,
    -- where the body first names it (offsets of title mentions point into the title)
    min(m.char_start) FILTER (WHERE m.mention_kind = 'name' AND coalesce(m.field, 'body') = 'body') AS first_char,
    a.title,
    a.source_name,
    coalesce(a.published_at, a.ingested_at) AS article_time
FROM mentions AS m
JOIN entities AS e USING (entity_id)
JOIN articles AS a USING (article_id)
-- only current articles count: not an older version of a changed file, not one whose file was deleted
WHERE a.superseded_by IS NULL AND a.deleted_at IS NULL
GROUP BY ALL
HAVING count(*) FILTER (WHERE m.mention_kind = 'name') > 0
