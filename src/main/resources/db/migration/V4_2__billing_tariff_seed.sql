-- EXAMPLE DATA, not an authoritative tariff: the Guangdong residential electricity ladder and the Guangzhou
-- residential water ladder as given in issue #5. Operators replace them through POST /api/v1/billing/tariffs.
-- Electricity: tier 1 0.59886875 CNY/kWh, tier 2 = tier 1 + 0.05, tier 3 = tier 1 + 0.30; households of
-- five or more people (the Guangdong rule for "multi-person households") get +100 kWh on each threshold.
INSERT INTO billing_tariffs (id, utility, name, unit, months, effective_from, effective_to, large_household_min_size,
                             large_household_extra_units, note, created_at)
VALUES ('4a000000-0000-0000-0000-000000000001', 'ELECTRICITY', 'Guangdong residential electricity (summer)', 'kWh',
        '{5,6,7,8,9,10}', '2012-07-01', NULL, 5, 100, 'Example data (issue #5)', now()),
       ('4a000000-0000-0000-0000-000000000002', 'ELECTRICITY', 'Guangdong residential electricity (non-summer)', 'kWh',
        '{1,2,3,4,11,12}', '2012-07-01', NULL, 5, 100, 'Example data (issue #5)', now()),
       ('4a000000-0000-0000-0000-000000000003', 'WATER', 'Guangzhou residential water', 'm³',
        '{1,2,3,4,5,6,7,8,9,10,11,12}', '2025-06-01', NULL, NULL, 0, 'Example data (issue #5)', now());

INSERT INTO billing_tariff_bands (tariff_id, band_no, lower_units, upper_units, unit_price)
VALUES ('4a000000-0000-0000-0000-000000000001', 1, 0, 260, 0.59886875),
       ('4a000000-0000-0000-0000-000000000001', 2, 260, 600, 0.64886875),
       ('4a000000-0000-0000-0000-000000000001', 3, 600, NULL, 0.89886875),
       ('4a000000-0000-0000-0000-000000000002', 1, 0, 200, 0.59886875),
       ('4a000000-0000-0000-0000-000000000002', 2, 200, 400, 0.64886875),
       ('4a000000-0000-0000-0000-000000000002', 3, 400, NULL, 0.89886875),
       ('4a000000-0000-0000-0000-000000000003', 1, 0, 21, 2.55),
       ('4a000000-0000-0000-0000-000000000003', 2, 21, 27, 3.82),
       ('4a000000-0000-0000-0000-000000000003', 3, 27, NULL, 7.65);
