/**
 * Importing units (departments, service centres, stations, liaison points,
 * leader offices) and their users from a spreadsheet: a table of units and a
 * table of users (two sheets of a workbook, or two CSV files). Units are
 * matched by code, users by username: existing ones are updated, new ones
 * added. A user's password is the one in the table, or — when the cell is
 * empty — generated, returned once by the commit and never stored in clear.
 * Passwords of existing users change only when the table gives one.
 */
import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { sql, type Queryable } from '@minqing/db';
import { levelOfRegionCode, type RegionLevel, type Role, type UnitKind } from '@minqing/shared';
import {
  ladderLevelOf,
  normaliseRegionCode,
  roleFromWord,
  UNIT_TARGETS,
  unitKindFromWord,
  USER_TARGETS,
} from './field-mapping.ts';
import type { ChangeCounts, ReportBuilder } from './import-report.ts';
import type { ImportSettings } from './import-settings.ts';
import { mappedFiles, mappedRows, type MappedFile } from './mapped-rows.ts';

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{2,63}$/;
const MIN_PASSWORD = 8;

/** Where each kind of unit sits in the jurisdiction. */
const UNIT_REGION_LEVEL: Record<UnitKind, RegionLevel> = {
  command_center: 'district',
  department: 'district',
  leader_office: 'district',
  town_center: 'town',
  village_station: 'village',
  liaison_point: 'village',
};

export interface PlannedUnit {
  code: string;
  name: string;
  kind: UnitKind;
  ladderLevel: number;
  regionCode: string;
  parentCode: string | null;
  leaderCode: string | null;
  phone: string | null;
  location: [number, number] | null;
}

export interface PlannedUser {
  username: string;
  displayName: string;
  role: Role;
  unitCode: string | null;
  regionCode: string;
  phone: string | null;
  password: string | null;
}

export interface UnitPlan {
  units: PlannedUnit[];
  users: PlannedUser[];
}

export async function checkUnits(
  tx: Queryable,
  sessionId: number,
  settings: ImportSettings,
  report: ReportBuilder,
): Promise<UnitPlan> {
  const files = await mappedFiles(tx, sessionId, 'units', settings);
  const regions = new Map(
    (await tx.query<{ code: string; name: string }>(sql`select code, name from region`)).map((row) => [row.code, row.name]),
  );
  const [district] = await tx.query<{ code: string }>(
    sql`select code from region where level = 'district' order by code limit 1`,
  );
  const existingUnits = new Map(
    (await tx.query<{ code: string; region_code: string }>(sql`select code, region_code from unit`)).map((row) => [
      row.code,
      row.region_code,
    ]),
  );
  const existingUsers = new Set(
    (await tx.query<{ username: string }>(sql`select username from app_user`)).map((row) => row.username),
  );

  const units: PlannedUnit[] = [];
  const unitSeen = new Map<string, { file: string; position: number }>();
  const unitFiles = files.filter((file) => file.settings.table !== 'users');
  const userFiles = files.filter((file) => file.settings.table === 'users');
  const locations = await pointsOf(tx, sessionId, unitFiles);

  for (const file of unitFiles) {
    for (const { position, values } of await mappedRows(tx, sessionId, file, UNIT_TARGETS)) {
      const where = { file: file.name, fileNo: file.fileNo, position };
      const code = values.code;
      const name = values.name;
      if (!code || !name) {
        report.add({
          ...where,
          code,
          name,
          check: 'empty_attribute',
          severity: 'error',
          message: `row ${position} has no unit ${code ? 'name' : 'code'}`,
        });
        continue;
      }
      if (code.length > 64) {
        report.add({
          ...where,
          code: code.slice(0, 20),
          name,
          check: 'malformed_code',
          severity: 'error',
          message: `row ${position}: the unit code is longer than 64 characters`,
        });
        continue;
      }
      const seen = unitSeen.get(code);
      if (seen) {
        report.add({
          ...where,
          code,
          name,
          check: 'duplicate_code',
          severity: 'error',
          message: `the unit code ${code} appears twice: ${seen.file} row ${seen.position} and ${file.name} row ${position}`,
        });
        continue;
      }
      unitSeen.set(code, { file: file.name, position });
      const kind = values.kind ? unitKindFromWord(values.kind) : null;
      if (!kind) {
        report.add({
          ...where,
          code,
          name,
          check: 'unknown_value',
          severity: 'error',
          message: `${name} (${code}): the kind "${values.kind ?? ''}" is not one of 指挥中心, 部门, 便民服务中心, 便民服务站, 联系点, 分管领导, 主要领导 (or command_center, department, town_center, village_station, liaison_point, leader_office)`,
        });
        continue;
      }
      let ladderLevel = ladderLevelOf(kind.kind, kind.ladderLevel);
      if (values.ladderLevel) {
        const given = Number(values.ladderLevel.replace(/^L/i, ''));
        const allowed = kind.kind === 'leader_office' ? [4, 5] : [ladderLevel];
        if (!allowed.includes(given)) {
          report.add({
            ...where,
            code,
            name,
            check: 'unknown_value',
            severity: 'error',
            message: `${name} (${code}): a ${kind.kind} sits at ladder level ${allowed.join(' or ')}, not "${values.ladderLevel}"`,
          });
          continue;
        }
        ladderLevel = given as typeof ladderLevel;
      }
      const wantedLevel = UNIT_REGION_LEVEL[kind.kind];
      const regionCode = values.regionCode
        ? normaliseRegionCode(values.regionCode)
        : wantedLevel === 'district'
          ? (district?.code ?? null)
          : null;
      if (!regionCode || !regions.has(regionCode)) {
        report.add({
          ...where,
          code,
          name,
          check: 'unknown_reference',
          severity: 'error',
          message: regionCode
            ? `${name} (${code}) names the region ${regionCode}, which is not in the jurisdiction`
            : `${name} (${code}) names no region: a ${kind.kind} needs the code of its ${wantedLevel}`,
        });
        continue;
      }
      if (levelOfRegionCode(regionCode) !== wantedLevel) {
        report.add({
          ...where,
          code,
          name,
          check: 'unknown_reference',
          severity: 'error',
          message: `${name} (${code}) is a ${kind.kind}, which serves a ${wantedLevel}; ${regions.get(regionCode)} (${regionCode}) is not one`,
        });
        continue;
      }
      units.push({
        code,
        name,
        kind: kind.kind,
        ladderLevel,
        regionCode,
        parentCode: values.parentCode ?? null,
        leaderCode: values.leaderCode ?? null,
        phone: values.phone ?? null,
        location: locations.get(`${file.fileNo}/${position}`) ?? null,
      });
    }
  }
  const knownUnit = (code: string) => unitSeen.has(code) || existingUnits.has(code);
  for (const unit of units) {
    for (const [reference, word] of [
      [unit.parentCode, 'parent unit'],
      [unit.leaderCode, 'leader office'],
    ] as const) {
      if (reference && !knownUnit(reference)) {
        const seen = unitSeen.get(unit.code)!;
        report.add({
          file: seen.file,
          position: seen.position,
          fileNo: unitFiles.find((file) => file.name === seen.file)?.fileNo ?? null,
          code: unit.code,
          name: unit.name,
          check: 'unknown_reference',
          severity: 'error',
          message: `${unit.name} (${unit.code}) names the ${word} ${reference}, which is neither in the table nor in place`,
        });
      }
    }
  }

  const users: PlannedUser[] = [];
  const userSeen = new Map<string, { file: string; position: number }>();
  const unitRegion = (code: string) => units.find((unit) => unit.code === code)?.regionCode ?? existingUnits.get(code) ?? null;
  for (const file of userFiles) {
    for (const { position, values } of await mappedRows(tx, sessionId, file, USER_TARGETS)) {
      const where = { file: file.name, fileNo: file.fileNo, position };
      const username = values.username?.toLowerCase() ?? null;
      if (!username) {
        report.add({
          ...where,
          name: values.displayName,
          check: 'empty_attribute',
          severity: 'error',
          message: `row ${position} has no username`,
        });
        continue;
      }
      if (!USERNAME_PATTERN.test(username)) {
        report.add({
          ...where,
          name: username,
          check: 'malformed_code',
          severity: 'error',
          message: `row ${position}: "${username}" is not a username (3 to 64 lower-case letters, digits, dots, dashes, underscores)`,
        });
        continue;
      }
      const seen = userSeen.get(username);
      if (seen) {
        report.add({
          ...where,
          name: username,
          check: 'duplicate_code',
          severity: 'error',
          message: `the username ${username} appears twice: ${seen.file} row ${seen.position} and ${file.name} row ${position}`,
        });
        continue;
      }
      userSeen.set(username, { file: file.name, position });
      const role = values.role ? roleFromWord(values.role) : null;
      if (!role) {
        report.add({
          ...where,
          name: username,
          check: 'unknown_value',
          severity: 'error',
          message: `${username}: the role "${values.role ?? ''}" is not one of 管理员, 值班员, 领导, 部门经办人, 镇街干部, 村社干部, 网格员, 网格规划员, 大屏查看`,
        });
        continue;
      }
      if (values.unitCode && !knownUnit(values.unitCode)) {
        report.add({
          ...where,
          name: username,
          check: 'unknown_reference',
          severity: 'error',
          message: `${username} belongs to the unit ${values.unitCode}, which is neither in the table nor in place`,
        });
        continue;
      }
      const regionCode = values.regionCode
        ? normaliseRegionCode(values.regionCode)
        : ((values.unitCode ? unitRegion(values.unitCode) : null) ?? district?.code ?? null);
      if (!regionCode || !regions.has(regionCode)) {
        report.add({
          ...where,
          name: username,
          check: 'unknown_reference',
          severity: 'error',
          message: `${username} names the region ${regionCode ?? '(none)'}, which is not in the jurisdiction`,
        });
        continue;
      }
      if (values.password && values.password.length < MIN_PASSWORD) {
        report.add({
          ...where,
          name: username,
          check: 'weak_password',
          severity: 'error',
          message: `${username}: the password in the table is shorter than ${MIN_PASSWORD} characters`,
        });
        continue;
      }
      users.push({
        username,
        displayName: values.displayName ?? username,
        role,
        unitCode: values.unitCode ?? null,
        regionCode,
        phone: values.phone ?? null,
        password: values.password ?? null,
      });
    }
  }
  const count = (planned: number, existing: number, kept: number): ChangeCounts => ({
    added: planned - existing,
    changed: existing,
    unchanged: 0,
    kept,
    retired: 0,
  });
  const unitsExisting = units.filter((unit) => existingUnits.has(unit.code)).length;
  const usersExisting = users.filter((user) => existingUsers.has(user.username)).length;
  report.changes.unit = count(units.length, unitsExisting, existingUnits.size - unitsExisting);
  report.changes.user = count(users.length, usersExisting, existingUsers.size - usersExisting);
  const generated = users.filter((user) => !user.password && !existingUsers.has(user.username)).length;
  if (generated > 0)
    report.notes.push(
      `${generated} new users have no password in the table: passwords are generated and shown once, at the commit`,
    );
  return { units, users };
}

async function pointsOf(tx: Queryable, sessionId: number, files: MappedFile[]): Promise<Map<string, [number, number]>> {
  const rows = await tx.query<{ file_no: number; position: number; x: number; y: number }>(sql`
    select file_no, position, ST_X(ST_PointOnSurface(geom)) as x, ST_Y(ST_PointOnSurface(geom)) as y
    from import_record where session_id = ${sessionId} and file_no = any(${files.map((file) => file.fileNo)}::int[]) and geom is not null`);
  return new Map(rows.map((row) => [`${row.file_no}/${row.position}`, [row.x, row.y]]));
}

/** A password of 12 characters people can read aloud (no 0/O, 1/l). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export interface UnitCommitSummary {
  units: ChangeCounts;
  users: ChangeCounts;
  /** New users' generated passwords: shown once, stored nowhere in clear. */
  generatedPasswords: { username: string; password: string }[];
}

export async function commitUnits(
  tx: Queryable,
  plan: UnitPlan,
  changes: Record<string, ChangeCounts>,
): Promise<UnitCommitSummary> {
  const { units, users } = plan;
  await tx.query(sql`
    insert into unit (code, name, kind, ladder_level, region_code, phone, location, active)
    select code, name, kind, ladder_level, region_code, phone,
           case when lon is null then null else ST_SetSRID(ST_MakePoint(lon, lat), 4326) end, true
    from unnest(${units.map((unit) => unit.code)}::text[], ${units.map((unit) => unit.name)}::text[], ${units.map((unit) => unit.kind)}::text[],
                ${units.map((unit) => unit.ladderLevel)}::smallint[], ${units.map((unit) => unit.regionCode)}::text[],
                ${units.map((unit) => unit.phone)}::text[], ${units.map((unit) => unit.location?.[0] ?? null)}::float8[],
                ${units.map((unit) => unit.location?.[1] ?? null)}::float8[])
      as input(code, name, kind, ladder_level, region_code, phone, lon, lat)
    on conflict (code) do update set name = excluded.name, kind = excluded.kind, ladder_level = excluded.ladder_level,
      region_code = excluded.region_code, phone = coalesce(excluded.phone, unit.phone),
      location = coalesce(excluded.location, unit.location), active = true`);
  await tx.query(sql`
    update unit set parent_id = parent.id, leader_unit_id = leader.id
    from unnest(${units.map((unit) => unit.code)}::text[], ${units.map((unit) => unit.parentCode)}::text[],
                ${units.map((unit) => unit.leaderCode)}::text[]) as link(code, parent_code, leader_code)
    left join unit parent on parent.code = link.parent_code
    left join unit leader on leader.code = link.leader_code
    where unit.code = link.code`);

  const generatedPasswords: { username: string; password: string }[] = [];
  const existing = new Set(
    (
      await tx.query<{ username: string }>(
        sql`select username from app_user where username = any(${users.map((user) => user.username)}::text[])`,
      )
    ).map((row) => row.username),
  );
  // Existing users the table gives no password keep theirs ('' marks "keep").
  const passwords = users.map((user) => {
    if (user.password || existing.has(user.username)) return user.password;
    const password = generatePassword();
    generatedPasswords.push({ username: user.username, password });
    return password;
  });
  // argon2 runs on the thread pool: a few at a time.
  const hashes: string[] = [];
  for (let start = 0; start < passwords.length; start += 8) {
    hashes.push(...(await Promise.all(passwords.slice(start, start + 8).map((password) => (password ? hash(password) : '')))));
  }
  await tx.query(sql`
    insert into app_user (username, display_name, password_hash, role, unit_id, region_code, phone)
    select input.username, input.display_name, input.password_hash, input.role, unit.id, input.region_code, input.phone
    from unnest(${users.map((user) => user.username)}::text[], ${users.map((user) => user.displayName)}::text[],
                ${hashes}::text[], ${users.map((user) => user.role)}::text[], ${users.map((user) => user.unitCode)}::text[],
                ${users.map((user) => user.regionCode)}::text[], ${users.map((user) => user.phone)}::text[])
      as input(username, display_name, password_hash, role, unit_code, region_code, phone)
    left join unit on unit.code = input.unit_code
    on conflict (username) do update set display_name = excluded.display_name, role = excluded.role, unit_id = excluded.unit_id,
      region_code = excluded.region_code, phone = coalesce(excluded.phone, app_user.phone), active = true,
      password_hash = coalesce(nullif(excluded.password_hash, ''), app_user.password_hash)`);
  return { units: changes.unit!, users: changes.user!, generatedPasswords };
}
