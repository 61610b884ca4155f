-- The working-day calendar deadlines are counted on. Weekdays are working days and weekends are not, except the
-- days listed here: HOLIDAY (a public holiday or a day off in lieu on a weekday) and WORKDAY (a weekend day worked
-- in exchange, 调休上班).
CREATE TABLE participation_calendar_days (
    day  date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('HOLIDAY', 'WORKDAY')),
    name text NOT NULL
);
-- Which years the table knows; outside them only the weekday rule applies (and the service logs a warning).
CREATE TABLE participation_calendar_years (
    year   int PRIMARY KEY,
    source text NOT NULL
);

-- 2026: 国务院办公厅关于2026年部分节假日安排的通知 (General Office of the State Council, 4 November 2025,
-- published by Xinhua and on www.gov.cn). Weekend days inside a holiday period are listed too, for clarity.
INSERT INTO participation_calendar_years (year, source) VALUES
    (2026, '国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04');
INSERT INTO participation_calendar_days (day, kind, name) VALUES
    -- 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    ('2026-01-01', 'HOLIDAY', '元旦'), ('2026-01-02', 'HOLIDAY', '元旦'), ('2026-01-03', 'HOLIDAY', '元旦'),
    ('2026-01-04', 'WORKDAY', '元旦调休上班'),
    -- 二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
    ('2026-02-14', 'WORKDAY', '春节调休上班'),
    ('2026-02-15', 'HOLIDAY', '春节'), ('2026-02-16', 'HOLIDAY', '春节'), ('2026-02-17', 'HOLIDAY', '春节'),
    ('2026-02-18', 'HOLIDAY', '春节'), ('2026-02-19', 'HOLIDAY', '春节'), ('2026-02-20', 'HOLIDAY', '春节'),
    ('2026-02-21', 'HOLIDAY', '春节'), ('2026-02-22', 'HOLIDAY', '春节'), ('2026-02-23', 'HOLIDAY', '春节'),
    ('2026-02-28', 'WORKDAY', '春节调休上班'),
    -- 三、清明节：4月4日（周六）至6日（周一）放假，共3天。
    ('2026-04-04', 'HOLIDAY', '清明节'), ('2026-04-05', 'HOLIDAY', '清明节'), ('2026-04-06', 'HOLIDAY', '清明节'),
    -- 四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
    ('2026-05-01', 'HOLIDAY', '劳动节'), ('2026-05-02', 'HOLIDAY', '劳动节'), ('2026-05-03', 'HOLIDAY', '劳动节'),
    ('2026-05-04', 'HOLIDAY', '劳动节'), ('2026-05-05', 'HOLIDAY', '劳动节'),
    ('2026-05-09', 'WORKDAY', '劳动节调休上班'),
    -- 五、端午节：6月19日（周五）至21日（周日）放假，共3天。
    ('2026-06-19', 'HOLIDAY', '端午节'), ('2026-06-20', 'HOLIDAY', '端午节'), ('2026-06-21', 'HOLIDAY', '端午节'),
    -- 六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
    ('2026-09-25', 'HOLIDAY', '中秋节'), ('2026-09-26', 'HOLIDAY', '中秋节'), ('2026-09-27', 'HOLIDAY', '中秋节'),
    -- 七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
    ('2026-09-20', 'WORKDAY', '国庆节调休上班'),
    ('2026-10-01', 'HOLIDAY', '国庆节'), ('2026-10-02', 'HOLIDAY', '国庆节'), ('2026-10-03', 'HOLIDAY', '国庆节'),
    ('2026-10-04', 'HOLIDAY', '国庆节'), ('2026-10-05', 'HOLIDAY', '国庆节'), ('2026-10-06', 'HOLIDAY', '国庆节'),
    ('2026-10-07', 'HOLIDAY', '国庆节'),
    ('2026-10-10', 'WORKDAY', '国庆节调休上班');
-- 2027: not included. The State Council's notice for 2027 could not be checked against a published copy when this
-- was written; add it as a new migration (V7_x) from the notice itself, never from memory.
