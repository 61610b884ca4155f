-- The citizen's chosen language for notifications and texts (issue #13): zh-CN by default, or en.
ALTER TABLE citizen ADD COLUMN language text NOT NULL DEFAULT 'zh-CN';
ALTER TABLE citizen ADD CONSTRAINT citizen_language_supported CHECK (language IN ('zh-CN', 'en'));
