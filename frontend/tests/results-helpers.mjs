// Setup for the results browser tests (dashboard, briefings, the young people's page),
// on top of helpers.mjs: a facilitator account made with the `user add` command against
// the running server's store, responses sent through the public API, and signing in.
import { SURVEY, addUser } from './helpers.mjs';

export const FACILITATOR = { email: 'facilitator@example.org', password: 'tangerine orbit lantern' };
export const HARTLEPOOL = 'E06000001';
export const MIDDLESBROUGH = 'E06000002';
export const DARLINGTON = 'E06000005';

// addFacilitator makes the facilitator account the results tests sign in with.
export function addFacilitator(srv) {
  addUser(srv, FACILITATOR, 'facilitator');
}

// A small deterministic random source, so every run sends the same answers.
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const ITEMS = ['friends', 'family_life', 'seeing_family', 'where_i_live', 'school_college', 'health',
  'feeling_safe', 'social_worker', 'having_a_say', 'things_to_do', 'money', 'life_overall'];
const MATTERS = ['family', 'friends', 'home', 'trusted_adult', 'listened_to', 'health', 'education', 'job',
  'money', 'things_to_do', 'treated_fairly', 'planet'];
// Who young people live with, as each age's version offers it (own_place is for care
// leavers, supported accommodation from 13).
const LIVE = {
  '8-12': ['foster_carers', 'kinship_carers', 'childrens_home'],
  '13-17': ['foster_carers', 'kinship_carers', 'childrens_home', 'supported_accommodation'],
  '13-17-easy': ['foster_carers', 'kinship_carers', 'childrens_home', 'supported_accommodation'],
};
const BETTER = ['I want to see my brother and sister more', 'My social worker keeps changing',
  'Not moving again, I have had five placements', 'Help with maths at school', 'Someone to talk to when I feel anxious'];

// seed sends responses through POST /api/v1/responses: counts maps council codes to how
// many young people answered there. A sixth of them (like young people who skip) answer
// only where they live and who they live with: percentages need the number who skipped a
// question to be shown too.
export async function seed(base, counts) {
  const r = rng(42);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const face = () => String(1 + Math.min(4, Math.floor(r() * 3 + r() * 3)));
  let n = 0;
  for (const [area, count] of Object.entries(counts)) {
    for (let i = 0; i < count; i++) {
      n++;
      const life = {};
      for (const item of ITEMS) life[item] = face();
      const matters = [...new Set([pick(MATTERS), pick(MATTERS), pick(MATTERS)])];
      const version = pick(['13-17', '13-17-easy', '8-12']);
      const age = version === '8-12' ? pick(['8-10', '11-12']) : pick(['13-15', '16-17']);
      const answers = n % 6 === 0 ? { live_with: pick(LIVE[version]), area }
        : { life_happy: life, future: face(), matters_most: matters, better: pick(BETTER), age_band: age, live_with: pick(LIVE[version]), area };
      const body = { survey: SURVEY, version, submission_id: `browser-seed-${String(n).padStart(6, '0')}`, answers };
      const resp = await fetch(base + '/api/v1/responses', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      if (resp.status !== 201) throw new Error(`seed response ${n}: ${resp.status} ${await resp.text()}`);
    }
  }
}

// signIn signs the page's context in as the facilitator through the sign-in form.
export async function signIn(page, base) {
  await page.goto(base + '/login');
  await page.fill('#email', FACILITATOR.email);
  await page.fill('#password', FACILITATOR.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form[action="/login"] button[type=submit]')]);
}
