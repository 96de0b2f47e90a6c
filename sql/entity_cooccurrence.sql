-- Entity pairs named in the same article, each unordered pair once (entity_a < entity_b).
SELECT
    a.entity_id AS entity_a,
    b.entity_id AS entity_b,
    any_value(a.canonical_name) AS name_a,
    any_value(b.canonical_name) AS name_b,
    any_value(a.entity_type) AS type_a,
    any_value(b.entity_type) AS type_b,
    count(DISTINCT a.article_id) AS article_count,
    a.entity_id || '|' || b.entity_id AS pair_key
FROM article_entities AS a
JOIN article_entities AS b
  ON a.article_id = b.article_id AND a.entity_id < b.entity_id
GROUP BY a.entity_id, b.entity_id
ORDER BY article_count DESC, entity_a, entity_b
