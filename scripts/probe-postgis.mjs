#!/usr/bin/env node
// Checks that a PostgreSQL URL reaches a server on which the tests can work:
// the role may create databases and PostGIS can be created in one.
// Usage: node scripts/probe-postgis.mjs <postgres-url>
// Exit 0 and prints "PostgreSQL x, PostGIS y" when usable; exit 1 with the reason otherwise.
// Needs the workspace installed (it borrows postgres.js from tests/).
import { createRequire } from 'node:module';

const url = process.argv[2];
if (!url) {
  console.error('usage: probe-postgis.mjs <postgres-url>');
  process.exit(2);
}

const require = createRequire(new URL('../tests/package.json', import.meta.url));
let postgres;
try {
  postgres = require('postgres');
} catch {
  console.error('postgres.js is not installed: run the workspace install first');
  process.exit(1);
}

const admin = postgres(url, { max: 1, connect_timeout: 5, idle_timeout: 1, onnotice: () => {} });
const scratch = `minqing_probe_${process.pid}`;
try {
  const [role] = await admin`select rolsuper, rolcreatedb from pg_roles where rolname = current_user`;
  if (!role.rolsuper && !role.rolcreatedb) throw new Error('the role may not create databases (needs CREATEDB or SUPERUSER)');
  const [available] = await admin`select default_version from pg_available_extensions where name = 'postgis'`;
  if (!available) throw new Error('the PostGIS extension is not installed on this server');
  await admin.unsafe(`drop database if exists ${scratch}`);
  await admin.unsafe(`create database ${scratch}`);
  const target = new URL(url);
  target.pathname = `/${scratch}`;
  const probe = postgres(target.toString(), { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await probe`create extension if not exists postgis`;
    const [versions] = await probe`select current_setting('server_version') as server, postgis_lib_version() as postgis`;
    console.log(`PostgreSQL ${versions.server}, PostGIS ${versions.postgis}`);
  } finally {
    await probe.end({ timeout: 2 });
  }
  await admin.unsafe(`drop database if exists ${scratch}`);
  await admin.end({ timeout: 2 });
  process.exit(0);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  try {
    await admin.unsafe(`drop database if exists ${scratch}`);
  } catch {
    // the server could not be reached at all
  }
  await admin.end({ timeout: 1 }).catch(() => {});
  process.exit(1);
}
