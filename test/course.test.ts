/**
 * A scenario is declared once, in checker/course.ts; everything else about it
 * lives in files named after its folder. These tests read the declaration and
 * fail, naming the missing part, when a scenario lacks any of them: so adding
 * scenario 13 means its own files and one entry, and nothing is forgotten.
 * They read files only, and take milliseconds.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkFile, learnerFiles, originalFile, SCENARIOS, scenarioDir } from '../checker/course.ts';
import { PROJECT_ROOT } from '../checker/fixtures.ts';
import { readReferenceFigures } from '../checker/reference.ts';
import { loadCheck } from '../checker/run.ts';
import { VERDICT_FROM_NODE } from '../checker/bench-variants.ts';

function relative(file: string): string {
  return path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
}

describe.each(SCENARIOS.map((scenario) => [scenario.folder, scenario] as const))('%s has every part of a scenario', (folder, scenario) => {
  test('story, hints, check, solution with its WHY, originals, slide section', () => {
    const parts = [
      path.join(scenarioDir(scenario, 'scenario'), 'README.md'),
      path.join(scenarioDir(scenario, 'scenario'), 'hints.md'),
      checkFile(scenario),
      path.join(scenarioDir(scenario, 'solution'), 'WHY.md'),
      path.join(PROJECT_ROOT, 'slides', 'scenarios', `${folder}.md`),
      ...learnerFiles(scenario).flatMap((file) => [path.join(scenarioDir(scenario, 'scenario'), file), path.join(scenarioDir(scenario, 'solution'), file), originalFile(scenario, file)]),
    ];
    const missing = parts.filter((file) => !existsSync(file)).map(relative);
    expect(missing, `${folder} is missing parts`).toEqual([]);
  });

  test('variants: a server that drops the feature, another correct fix, and half fixes', () => {
    const dir = path.join(PROJECT_ROOT, 'test', 'variants', folder);
    const files = existsSync(dir) ? readdirSync(dir) : [];
    expect(files, `test/variants/${folder}/dropped-feature.ts`).toContain('dropped-feature.ts');
    expect(files.filter((file) => file.startsWith('alternative-')).length, `test/variants/${folder}/alternative-*.ts`).toBeGreaterThan(0);
    expect(files.filter((file) => file.startsWith('half-fix-')).length, `test/variants/${folder}/half-fix-*.ts`).toBeGreaterThan(0);
  });

  test('the README table of the course names it with its title and lesson', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8').replaceAll('\r', '');
    const row = readme.split('\n').find((line) => line.startsWith(`| ${scenario.number} |`));
    expect(row, `README.md has a row for ${scenario.number}`).toBeDefined();
    expect(row).toContain(`[${scenario.title}](scenarios/${folder}/README.md)`);
  });

  test('reference figures for every measure of its check', async () => {
    const spec = await loadCheck(checkFile(scenario));
    const recorded = readReferenceFigures()?.scenarios[folder] ?? {};
    const missing = spec.measures.map((measure) => measure.name).filter((name) => !(name in recorded));
    expect(missing, `checker/reference.json has no figures for these measures of ${folder} (npm run bench -- --record)`).toEqual([]);
  });
});

test('every variant whose verdict Node decides (VERDICT_FROM_NODE) is there, under a name of its kind', () => {
  for (const [variant, { expected, before }] of Object.entries(VERDICT_FROM_NODE)) {
    expect(existsSync(path.join(PROJECT_ROOT, 'test', 'variants', variant)), variant).toBe(true);
    expect(path.basename(variant), variant).toMatch(/^(alternative|half-fix)-/);
    // An entry says something the name does not, on one Node or the other (a hole some Nodes leave open: before).
    const name = path.basename(variant);
    const byName = name.startsWith('alternative-') ? 'pass' : name.startsWith('half-fix-contract-') ? 'fail on the contract' : name.startsWith('half-fix-hangs-') ? 'never answers' : 'fail on memory';
    expect([expected, before].some((verdict) => verdict !== undefined && verdict !== byName), variant).toBe(true);
  }
});
