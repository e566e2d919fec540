// The few Debian packages the test suites drive for real (what users run: a browser, a load balancer, a
// queue). npm cannot bring them; on a machine without them this installs them with apt-get when it runs as
// root (CI, a fresh container), and otherwise says in one line which are missing and how to get them.
//
//   node scripts/system-packages.mjs [--for test|scale]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package → the file the tests look for. */
const PACKAGES = {
  test: { chromium: '/usr/bin/chromium', nginx: '/usr/sbin/nginx' },
  scale: { 'redis-server': '/usr/bin/redis-server' },
};

const at = process.argv.indexOf('--for');
const suite = at >= 0 ? process.argv[at + 1] : 'test';
const wanted = PACKAGES[suite];
if (!wanted) {
  console.error(`--for must be one of: ${Object.keys(PACKAGES).join(', ')}`);
  process.exit(2);
}
const missing = Object.entries(wanted)
  .filter(([, file]) => !existsSync(file))
  .map(([name]) => name);
if (missing.length === 0) {
  console.log(`system packages: ${Object.keys(wanted).join(', ')} present`);
  process.exit(0);
}
const hint = `apt-get install -y ${missing.join(' ')}`;
if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
  console.error(`system packages missing: ${missing.join(', ')}; install them with \`sudo ${hint}\` and run again`);
  process.exit(1);
}
console.log(`system packages: installing ${missing.join(', ')} with apt-get (once)...`);
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch {
  console.error(`system packages: \`${hint}\` failed (see above); install them by hand and run again`);
  process.exit(1);
}
const still = missing.filter((name) => !existsSync(wanted[name]));
if (still.length > 0) {
  console.error(`system packages: ${still.join(', ')} still missing after apt-get install`);
  process.exit(1);
}
console.log(`system packages: installed ${missing.join(', ')}`);
