-- Platform: nothing domain-specific lives here. Feature modules own their tables and use their own
-- version prefixes (V2_x citizen, V3_x transit, V4_x billing, V5_x booking, V6_x one stop).
CREATE TABLE platform_info (
    key   text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO platform_info (key, value) VALUES ('schema', 'onestop');
