import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The recorded and documented Jamf payloads live in the shared research folder beside the project
 * (../shared/research/jamf-fixtures, with their provenance); they are read from there, not copied into the
 * repository. JAMF_FIXTURES_DIR overrides the location. A missing folder fails the tests that need it.
 */
export function jamfFixturesDir(): string {
  const dir = process.env.JAMF_FIXTURES_DIR ?? resolve(import.meta.dirname, '../../../shared/research/jamf-fixtures');
  if (!existsSync(dir)) throw new Error(`Jamf fixtures not found at ${dir}: set JAMF_FIXTURES_DIR or place shared/ beside the project`);
  return dir;
}
