-- Transit static data (GTFS). Every data row belongs to a feed version; a feed's readers follow
-- transit_feed.current_version, which an import switches in one transaction once the new version is fully loaded.

create table transit_feed (
    feed_id              text primary key,
    current_version      bigint,
    source_url           text,
    source_etag          text,
    source_last_modified text,
    content_sha256       text,
    checked_at           timestamptz,
    updated_at           timestamptz not null default now()
);

create table transit_feed_version (
    version_id   bigserial primary key,
    feed_id      text not null references transit_feed (feed_id),
    status       text not null check (status in ('LOADING', 'CURRENT', 'RETIRED', 'FAILED')),
    feed_version text,
    timezone     text,
    created_at   timestamptz not null default now(),
    activated_at timestamptz
);

create index transit_feed_version_feed on transit_feed_version (feed_id, status);

create table transit_import (
    import_id     bigserial primary key,
    feed_id       text not null,
    version_id    bigint,
    trigger       text not null,
    status        text not null check (status in ('RUNNING', 'SUCCEEDED', 'FAILED', 'UNCHANGED')),
    started_at    timestamptz not null,
    finished_at   timestamptz,
    duration_ms   bigint,
    report        jsonb,
    error_code    text,
    error_detail  text
);

-- One import at a time per feed, across all instances.
create unique index transit_import_one_running on transit_import (feed_id) where status = 'RUNNING';
create index transit_import_history on transit_import (feed_id, import_id desc);

-- Data tables carry no foreign keys: they are bulk-loaded with COPY into a version nobody reads yet, and
-- deleted by version. Keys are (version_id, gtfs id); gtfs ids are the feed's own, unprefixed.

create table transit_agency (
    version_id bigint not null,
    agency_id  text   not null,
    name       text   not null,
    url        text,
    timezone   text   not null,
    lang       text,
    phone      text,
    primary key (version_id, agency_id)
);

create table transit_stop (
    version_id          bigint           not null,
    stop_id             text             not null,
    code                text,
    name                text,
    lat                 double precision,
    lon                 double precision,
    -- grid cell of about 1.1 km x 1.1 km cos(lat): see GeoGrid
    cell                bigint,
    location_type       smallint         not null default 0,
    parent_station      text,
    wheelchair_boarding smallint,
    route_ids           text[]           not null default '{}',
    primary key (version_id, stop_id)
);

create index transit_stop_cell on transit_stop (version_id, cell);

create table transit_route (
    version_id  bigint not null,
    route_id    text   not null,
    agency_id   text,
    short_name  text,
    long_name   text,
    description text,
    route_type  int    not null,
    color       text,
    text_color  text,
    sort_order  int,
    primary key (version_id, route_id)
);

-- A trip pattern: the ordered stops a group of trips visits on one shape, with each stop's distance along that
-- shape in metres (monotonic). Live arrivals (part 2) subtract these to get "metres from my stop".
create table transit_pattern (
    version_id       bigint             not null,
    pattern_id       int                not null,
    route_id         text               not null,
    direction_id     smallint,
    shape_id         text,
    headsign         text,
    stop_ids         text[]             not null,
    distances_meters double precision[] not null,
    distance_source  text               not null,
    primary key (version_id, pattern_id)
);

create table transit_trip (
    version_id    bigint not null,
    trip_id       text   not null,
    route_id      text   not null,
    service_id    text   not null,
    pattern_id    int    not null,
    headsign      text,
    short_name    text,
    direction_id  smallint,
    block_id      text,
    shape_id      text,
    start_seconds int    not null,
    primary key (version_id, trip_id)
);

-- Times are seconds since "noon minus 12 h" of the service day (25:30:00 = 91800).
-- One partition per feed version (transit_stop_time_v{version}): an import COPYs into a bare table, indexes it
-- in bulk and attaches it; purging a version drops its partition instead of deleting 300k rows.
create table transit_stop_time (
    version_id        bigint           not null,
    trip_id           text             not null,
    stop_sequence     int              not null,
    stop_index        int              not null,
    stop_id           text             not null,
    arrival_seconds   int              not null,
    departure_seconds int              not null,
    pickup_type       smallint         not null default 0,
    drop_off_type     smallint         not null default 0,
    stop_headsign     text,
    distance_meters   double precision not null,
    primary key (version_id, trip_id, stop_sequence)
) partition by list (version_id);

create index transit_stop_time_stop on transit_stop_time (version_id, stop_id, departure_seconds);

create table transit_calendar (
    version_id bigint   not null,
    service_id text     not null,
    -- bit 0 = Monday ... bit 6 = Sunday
    weekdays   smallint not null,
    start_date date     not null,
    end_date   date     not null,
    primary key (version_id, service_id)
);

create table transit_calendar_date (
    version_id     bigint   not null,
    service_id     text     not null,
    date           date     not null,
    exception_type smallint not null,
    primary key (version_id, service_id, date)
);

create table transit_frequency (
    version_id      bigint   not null,
    trip_id         text     not null,
    start_seconds   int      not null,
    end_seconds     int      not null,
    headway_seconds int      not null,
    exact_times     smallint not null default 0,
    primary key (version_id, trip_id, start_seconds)
);

create table transit_shape (
    version_id       bigint             not null,
    shape_id         text               not null,
    polyline         text               not null,
    lats             double precision[] not null,
    lons             double precision[] not null,
    distances_meters double precision[] not null,
    primary key (version_id, shape_id)
);
