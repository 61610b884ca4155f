-- A case whose text contains a word of onestop.participation.review-words is held for review by the city office
-- instead of being refused: its department does not see it until a city office handler releases it.
ALTER TABLE participation_cases ADD COLUMN held_for_review boolean NOT NULL DEFAULT false;
