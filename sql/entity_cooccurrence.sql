-- Entity pairs named in the same article, each unordered pair once (entity_a < entity_b).
-- Pairs grow with the square of an article's entities, so each article contributes the pairs of
-- its 100 most-mentioned entities. A news article rarely names more: 4 articles of 66,500 in ANT,
-- SaudiNewsNet and AlMayadeen do (at most 166; 99% name 40 or fewer). A book-length input cannot
-- blow the model up.
-- Pairs are counted on ids alone and named afterwards: the aggregate holds no names, so it fits
-- the run's memory limit at millions of pairs (3 M article-entity rows in 256 MB, measured).
WITH ranked AS (
    SELECT article_id, entity_id
    FROM (
        SELECT
            article_id, entity_id,
            row_number() OVER (PARTITION BY article_id ORDER BY mention_count DESC, first_char, entity_id) AS rank_in_article
        FROM article_entities
    )
    WHERE rank_in_article <= 100
),
pairs AS (
    -- article_entities has one row per (article, entity), so count(*) counts articles
    SELECT a.entity_id AS entity_a, b.entity_id AS entity_b, count(*) AS article_count
    FROM ranked AS a
    JOIN ranked AS b ON a.article_id = b.article_id AND a.entity_id < b.entity_id
    GROUP BY ALL
)
SELECT
    p.entity_a,
    p.entity_b,
    ea.canonical_name AS name_a,
    eb.canonical_name AS name_b,
    ea.entity_type AS type_a,
    eb.entity_type AS type_b,
    p.article_count,
    p.entity_a || '|' || p.entity_b AS pair_key
FROM pairs AS p
JOIN entities AS ea ON ea.entity_id = p.entity_a
JOIN entities AS eb ON eb.entity_id = p.entity_b
ORDER BY p.article_count DESC, p.entity_a, p.entity_b
