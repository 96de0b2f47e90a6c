-- Entity pairs named in the same article, each unordered pair once (entity_a < entity_b).
-- Pairs grow with the square of an article's entities, so each article contributes the pairs of
-- its MAX_PER_ARTICLE = 100 most-mentioned entities (a news article names far fewer: the most on
-- 31,525 ANT articles is under 100); a book-length input cannot blow the model up.
WITH ranked AS (
    SELECT
        article_id, entity_id, canonical_name, entity_type,
        row_number() OVER (PARTITION BY article_id ORDER BY mention_count DESC, first_char, entity_id) AS rank_in_article
    FROM article_entities
)
SELECT
    a.entity_id AS entity_a,
    b.entity_id AS entity_b,
    any_value(a.canonical_name) AS name_a,
    any_value(b.canonical_name) AS name_b,
    any_value(a.entity_type) AS type_a,
    any_value(b.entity_type) AS type_b,
    count(DISTINCT a.article_id) AS article_count,
    a.entity_id || '|' || b.entity_id AS pair_key
FROM ranked AS a
JOIN ranked AS b
  ON a.article_id = b.article_id AND a.entity_id < b.entity_id
WHERE a.rank_in_article <= 100 AND b.rank_in_article <= 100
GROUP BY a.entity_id, b.entity_id
ORDER BY article_count DESC, entity_a, entity_b
