"""A synthetic county for the statistics benchmark, written with set-based SQL on PostgreSQL.

20 streets x 8 villages x 3 groups x 2 grids (960 grids), one grid worker per grid, 400,000
households, 160,000 minors and 2,000,000 visits over the last year, 12,000 reports, referrals
when that table exists, and one device per grid worker. Pseudo-random but deterministic:
every choice is a hash of the row number, so two runs build the same county.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher

STREETS, VILLAGES, GROUPS, GRIDS = 20, 8, 3, 2
HOUSEHOLDS, MINORS, VISITS, REPORTS, REFERRALS = 400_000, 160_000, 2_000_000, 12_000, 4_000
PASSWORD = "bench-password-1"
SYNCED = "1, '{}', '{}', '{}', 0"  # version, field_versions, field_hlcs, field_authors, change_seq


@dataclass(frozen=True)
class County:
    grids: int
    county_user: str = "county"
    street_user: str = "admin01"
    village_user: str = "village0101"
    village_code: str = "S01V1"
    street_code: str = "S01"


def _areas() -> tuple[list[dict], list[tuple[int, int, str]]]:
    """Every area row, and (grid index, area id, path) for each grid."""
    rows, grids, next_id = [], [], 1

    def add(code, name, level, parent):
        nonlocal next_id
        path = (parent["path"] if parent else "/") + code + "/"
        row = {
            "id": next_id,
            "code": code,
            "name": name,
            "level": level,
            "parent_id": parent["id"] if parent else None,
            "path": path,
        }
        rows.append(row)
        next_id += 1
        return row

    for s in range(1, STREETS + 1):
        street = add(f"S{s:02d}", f"第{s}街道", "street", None)
        for v in range(1, VILLAGES + 1):
            village = add(f"{street['code']}V{v}", f"{street['name']}第{v}村", "village", street)
            for g in range(1, GROUPS + 1):
                group = add(f"{village['code']}G{g}", f"{village['name']}{g}组", "group", village)
                for w in range(1, GRIDS + 1):
                    grid = add(f"{group['code']}W{w}", f"{group['name']}{w}网格", "grid", group)
                    grids.append((len(grids), grid["id"], grid["path"]))
    return rows, grids


def _users(areas: list[dict], grids: list[tuple[int, int, str]]) -> tuple[list[dict], list[dict], int]:
    """Users and their areas: a county user over every street, street admins, village officers,
    one grid worker per grid (whose id is ``first_worker + grid index``)."""
    digest = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    users, links = [], []

    def add(username, role, area_ids):
        user_id = len(users) + 1
        users.append(
            {
                "id": user_id,
                "username": username,
                "display_name": username,
                "password_hash": digest,
                "role": role,
                "active": True,
            }
        )
        links.extend({"user_id": user_id, "area_id": a} for a in area_ids)

    streets = [a for a in areas if a["level"] == "street"]
    add("county", "street_admin", [a["id"] for a in streets])
    for street in streets:
        add(f"admin{street['code'][1:]}", "street_admin", [street["id"]])
    for village in (a for a in areas if a["level"] == "village"):
        code = village["code"]  # S01V1 -> village0101
        add(f"village{code[1:3]}{int(code[4:]):02d}", "village_officer", [village["id"]])
    first_worker = len(users) + 1
    for index, grid_id, _path in grids:
        add(f"worker{index:04d}", "grid_worker", [grid_id])
    return users, links, first_worker


def _without_indexes(connection, table: str):
    """Drop the secondary indexes of ``table``; the returned statements build them again.

    Maintaining seven B-trees row by row is most of the cost of two million INSERTs; building
    them once afterwards is several times faster.
    """
    rows = connection.execute(
        sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t AND indexname NOT LIKE 'pk_%'"
        ),
        {"t": table},
    ).all()
    for name, _definition in rows:
        connection.execute(sa.text(f'DROP INDEX "{name}"'))
    return [definition for _name, definition in rows]


def _rebuild(label: str, connection, definitions: list[str]) -> None:
    started = time.monotonic()
    for definition in definitions:
        connection.execute(sa.text(definition))
    print(f"  {label:<12} {len(definitions):>10} indexes  {time.monotonic() - started:6.1f} s", flush=True)


def _step(label: str, connection, sql: str, **params) -> None:
    started = time.monotonic()
    result = connection.execute(sa.text(sql), params)
    print(f"  {label:<12} {result.rowcount:>10,} rows  {time.monotonic() - started:6.1f} s", flush=True)


def generate(url: str) -> County:
    """Fill the (empty, migrated) database at ``url``."""
    engine = sa.create_engine(url)
    areas, grids = _areas()
    users, links, first_worker = _users(areas, grids)
    n_grids = len(grids)
    with engine.begin() as c:
        c.execute(
            sa.text(f"""
            INSERT INTO area (id, code, name, level, parent_id, path, version, field_versions, field_hlcs,
                              field_authors, change_seq, area_path, created_at, updated_at)
            VALUES (:id, :code, :name, :level, :parent_id, :path, {SYNCED}, :path, now(), now())"""),
            areas,
        )
        c.execute(sa.text("SELECT setval(pg_get_serial_sequence('area', 'id'), (SELECT max(id) FROM area))"))
        c.execute(
            sa.text("""
            INSERT INTO user_account (id, username, display_name, password_hash, role, active, created_at)
            VALUES (:id, :username, :display_name, :password_hash, :role, :active, now())"""),
            users,
        )
        c.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('user_account', 'id'), (SELECT max(id) FROM user_account))"
            )
        )
        c.execute(sa.text("INSERT INTO user_area (user_id, area_id) VALUES (:user_id, :area_id)"), links)
        c.execute(sa.text("CREATE TEMP TABLE bench_grid (g int PRIMARY KEY, id int, path text, worker int)"))
        c.execute(
            sa.text("INSERT INTO bench_grid VALUES (:g, :id, :path, :worker)"),
            [{"g": g, "id": i, "path": p, "worker": first_worker + g} for g, i, p in grids],
        )
        print(f"  areas {len(areas):,}, users {len(users):,}", flush=True)
        indexes = {t: _without_indexes(c, t) for t in ("household", "minor", "visit", "report")}

        _step(
            "households",
            c,
            f"""
            INSERT INTO household (id, grid_id, address, head_name, phone, surveyed_at, version, field_versions,
                                   field_hlcs, field_authors, change_seq, area_path, created_at, updated_at)
            SELECT md5('h' || n)::uuid::text, b.id, '第' || (n / {n_grids}) || '号', '户主' || n, '13800000000',
                   now(), {SYNCED}, b.path, now(), now()
            FROM generate_series(0, :n - 1) n JOIN bench_grid b ON b.g = n % {n_grids}""",
            n=HOUSEHOLDS,
        )

        # Grades: 1% red, 6% orange, 33% yellow, 60% blue; 70% confirmed. Last visits spread over
        # 1.2 schedule intervals, so about one in six is overdue.
        _step(
            "minors",
            c,
            f"""
            INSERT INTO minor (id, household_id, name, gender, birth_date, id_number_masked, hukou,
                lives_with_parents, school_status, father_status, mother_status, caregiver, caregiver_capable,
                misbehavior, crime_victim, risk_flags, categories, categories_manual, category_reasons,
                grade, grade_suggested, assigned_worker_id, last_visit_at, next_visit_due, archived_at,
                created_by, version, field_versions, field_hlcs, field_authors, change_seq, area_path,
                created_at, updated_at, deleted_at)
            SELECT md5('m' || i)::uuid::text, md5('h' || i)::uuid::text,
                (ARRAY['张','王','李','刘','陈','杨','赵','黄'])[1 + i % 8]
                    || (ARRAY['小明','小红','伟','芳','强','静','磊','敏'])[1 + (i / 8) % 8],
                CASE WHEN i % 2 = 0 THEN 'male' ELSE 'female' END,
                date '2008-06-01' + (abs(hashtext('b' || i)::bigint) % 6200)::int,
                '5201************' || lpad((i % 100)::text, 2, '0'),
                CASE WHEN r.h % 10 < 7 THEN 'rural' ELSE 'urban' END, 'neither', 'in_school',
                'migrant_away', 'migrant_away', 'grandparents', true,
                '[]', false, '[]', r.categories, '{{}}', '[]',
                CASE WHEN r.h % 10 < 7 THEN r.grade END, r.grade, b.worker,
                current_date - (abs(hashtext('l' || i)::bigint) % (r.days * 12 / 10 + 1))::int,
                current_date - (abs(hashtext('l' || i)::bigint) % (r.days * 12 / 10 + 1))::int + r.days,
                CASE WHEN r.h % 100 = 1 THEN now() END, b.worker,
                {SYNCED}, b.path, now() - (abs(hashtext('c' || i)::bigint) % 1095) * interval '1 day', now(),
                CASE WHEN r.h % 200 = 3 THEN now() END
            FROM generate_series(0, :n - 1) i
            JOIN bench_grid b ON b.g = i % {n_grids}
            CROSS JOIN LATERAL (
                SELECT abs(hashtext('r' || i)::bigint) AS h,
                       CASE WHEN abs(hashtext('g' || i)::bigint) % 100 < 1 THEN 'red'
                            WHEN abs(hashtext('g' || i)::bigint) % 100 < 7 THEN 'orange'
                            WHEN abs(hashtext('g' || i)::bigint) % 100 < 40 THEN 'yellow' ELSE 'blue' END AS grade,
                       CASE WHEN abs(hashtext('g' || i)::bigint) % 100 < 1 THEN 3
                            WHEN abs(hashtext('g' || i)::bigint) % 100 < 7 THEN 7
                            WHEN abs(hashtext('g' || i)::bigint) % 100 < 40 THEN 30 ELSE 90 END AS days,
                       (SELECT coalesce(jsonb_agg(c), '[]'::jsonb) FROM unnest(ARRAY[
                           CASE WHEN abs(hashtext('k1' || i)::bigint) % 100 < 25 THEN 'left_behind' END,
                           CASE WHEN abs(hashtext('k2' || i)::bigint) % 100 < 10 THEN 'in_difficulty' END,
                           CASE WHEN abs(hashtext('k3' || i)::bigint) % 100 < 2 THEN 'de_facto_unsupported' END,
                           CASE WHEN abs(hashtext('k4' || i)::bigint) % 100 < 1 THEN 'orphan' END,
                           CASE WHEN abs(hashtext('k5' || i)::bigint) % 100 < 3 THEN 'idle' END,
                           CASE WHEN abs(hashtext('k6' || i)::bigint) % 100 < 1 THEN 'child_of_prisoner' END,
                           CASE WHEN abs(hashtext('k7' || i)::bigint) % 100 < 1 THEN 'serious_misbehavior' END,
                           CASE WHEN abs(hashtext('k8' || i)::bigint) % 100 < 8 THEN 'divorced_family' END,
                           CASE WHEN abs(hashtext('k9' || i)::bigint) % 200 < 1 THEN 'crime_victim' END,
                           CASE WHEN abs(hashtext('k0' || i)::bigint) % 100 < 2 THEN 'disabled' END
                       ]) c WHERE c IS NOT NULL) AS categories
            ) r""",
            n=MINORS,
        )

        _step(
            "visits",
            c,
            f"""
            INSERT INTO visit (id, minor_id, visitor_id, visited_at, kind, findings, measures, review_status,
                               version, field_versions, field_hlcs, field_authors, change_seq, area_path,
                               created_at, updated_at)
            SELECT md5('v' || v)::uuid::text, md5('m' || m)::uuid::text, b.worker,
                   now() - (abs(hashtext('v' || v)::bigint) % 525600) * interval '1 minute', 'home', '{{}}', '[]',
                   CASE WHEN v % 20 < 16 THEN 'approved' WHEN v % 20 < 19 THEN 'submitted' ELSE 'returned' END,
                   {SYNCED}, b.path, now(), now()
            FROM generate_series(0, :n - 1) v
            CROSS JOIN LATERAL (SELECT (v::bigint * 7919) % {MINORS} AS m) pick
            JOIN bench_grid b ON b.g = pick.m % {n_grids}""",
            n=VISITS,
        )

        _step(
            "reports",
            c,
            f"""
            INSERT INTO report (id, source, reporter_id, area_id, kind, mandatory, urgent, description, status,
                                reported_at, acknowledged_at, version, field_versions, field_hlcs, field_authors,
                                change_seq, area_path, created_at, updated_at)
            SELECT md5('r' || k)::uuid::text,
                   (ARRAY['school','family','community','social_org','legal_unit','hotline','grid_worker'])[1 + k % 7],
                   b.worker, b.id,
                   CASE WHEN k % 5 = 0 THEN 'abandoned_no_care' ELSE 'bullying' END,
                   k % 5 = 0, k % 5 = 0, '测试', CASE WHEN k % 7 = 0 THEN 'new' ELSE 'acknowledged' END,
                   t.at, CASE WHEN k % 7 <> 0 THEN t.at + (abs(hashtext('a' || k)::bigint) % 72) * interval '1 hour' END,
                   {SYNCED}, b.path, t.at, t.at
            FROM generate_series(0, :n - 1) k
            JOIN bench_grid b ON b.g = (k * 31) % {n_grids}
            CROSS JOIN LATERAL (SELECT now() - (abs(hashtext('t' || k)::bigint) % 525600) * interval '1 minute' AS at) t
            """,
            n=REPORTS,
        )

        has_referrals = sa.inspect(c).has_table("referral")
        if has_referrals:
            _step(
                "referrals",
                c,
                f"""
                INSERT INTO referral (id, minor_id, to_unit, reason, status, automatic, area_path, sent_at,
                                      accepted_at, done_at, updated_at)
                SELECT md5('f' || k)::uuid::text, md5('m' || ((k::bigint * 13) % {MINORS}))::uuid::text,
                       (ARRAY['police','civil_affairs','school','health','justice','youth_league',
                              'womens_federation'])[1 + k % 7],
                       '测试', CASE WHEN k % 4 = 0 THEN 'sent' WHEN k % 4 = 1 THEN 'accepted' ELSE 'done' END,
                       false, b.path, t.at,
                       CASE WHEN k % 4 <> 0 THEN t.at + (abs(hashtext('x' || k)::bigint) % 120) * interval '1 hour' END,
                       CASE WHEN k % 4 > 1 THEN t.at + (abs(hashtext('y' || k)::bigint) % 600) * interval '1 hour' END,
                       t.at
                FROM generate_series(0, :n - 1) k
                JOIN bench_grid b ON b.g = ((k * 13) % {MINORS}) % {n_grids}
                CROSS JOIN LATERAL (SELECT now() - (abs(hashtext('s' || k)::bigint) % 525600) * interval '1 minute' AS at) t
                """,
                n=REFERRALS,
            )

        for table, definitions in indexes.items():
            _rebuild(table, c, definitions)
        _step(
            "devices",
            c,
            """
            INSERT INTO device (client_id, user_id, last_push_at, last_pull_at, pushes, pulls, mutations_applied,
                                mutations_rejected, conflicts, clamped)
            SELECT 'phone-' || b.worker, b.worker, now() - (abs(hashtext('d' || b.g)::bigint) % 480) * interval '1 hour',
                   now(), 1, 1, 0, 0, 0, 0
            FROM bench_grid b""",
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        started = time.monotonic()
        c.execute(sa.text("VACUUM ANALYZE"))
        print(f"  vacuum analyze             {time.monotonic() - started:6.1f} s", flush=True)
    engine.dispose()
    return County(grids=n_grids)
