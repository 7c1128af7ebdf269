// Runs the scenario lines of `iamscope why --scenarios` through @cloud-copilot/iam-simulate
// and reports its decisions and its speed, for scripts/compare-iam-simulate.sh.
//
//   node iam-simulate-runner.mjs SCENARIOS.jsonl ROUNDS > decisions.jsonl
//
// Writes {"line", "id", "decision"} per line (decisions in iamscope's words: Allowed,
// ImplicitDeny, ExplicitDeny, or "error: ..." when iam-simulate refused the input) and,
// on standard error, one JSON object with decisions per second for
//   - "runSimulation": JSON.parse of the line, then runSimulation (the checked API);
//   - "runUnsafeSimulation": JSON.parse of the line, then runUnsafeSimulation (no checks),
// each timed over ROUNDS rounds of every line after one warm-up round.
import { readFileSync } from 'node:fs';
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';

const [file, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 5);
const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');

const words = {
  Allowed: 'Allowed',
  ImplicitlyDenied: 'ImplicitDeny',
  ExplicitlyDenied: 'ExplicitDeny',
};

// The resource's account: the scenario's, else the one in the ARN.
function accountOf(request) {
  if (request.resource_account) return request.resource_account;
  const parts = (request.resource ?? '').split(':');
  return parts[4] || '';
}

// One iamscope scenario line as an iam-simulate Simulation.
function simulation(line) {
  const s = JSON.parse(line);
  const r = s.request;
  const named = (policy, name) => ({ name, policy });
  const levels = (list, prefix) =>
    (list ?? []).map((level, i) => ({
      orgIdentifier: `${prefix}-${i}`,
      policies: level.map((p, j) => named(p, `${prefix}[${i}][${j}]`)),
    }));
  return {
    request: {
      principal: r.principal,
      action: r.action,
      resource: { resource: r.resource ?? '*', accountId: accountOf(r) },
      contextVariables: r.context ?? {},
    },
    identityPolicies: (s.identity_policies ?? []).map((p, i) => named(p, `identity_policies[${i}]`)),
    serviceControlPolicies: levels(s.scps, 'scps'),
    resourceControlPolicies: levels(s.rcps, 'rcps'),
    resourcePolicy: s.resource_policy ?? undefined,
    permissionBoundaryPolicies: s.permission_boundary
      ? [named(s.permission_boundary, 'permission_boundary')]
      : undefined,
  };
}

async function decide(line) {
  const result = await runSimulation(simulation(line), {});
  if (result.resultType === 'error') return `error: ${result.errors.message}`;
  return words[result.overallResult] ?? result.overallResult;
}

function decideUnsafe(line) {
  return runUnsafeSimulation(simulation(line), {});
}

// Decisions, in input order.
for (const [i, line] of lines.entries()) {
  const id = JSON.parse(line).id ?? null;
  let decision;
  try {
    decision = await decide(line);
  } catch (e) {
    decision = `error: ${e.message}`;
  }
  process.stdout.write(JSON.stringify({ line: i + 1, id, decision }) + '\n');
}

async function timed(run) {
  for (const line of lines) await run(line); // warm-up
  const start = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) {
    for (const line of lines) await run(line);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round((rounds * lines.length) / seconds);
}

const safe = async (line) => {
  try {
    await runSimulation(simulation(line), {});
  } catch {
    // counted all the same: the decision was attempted
  }
};
const unsafe = async (line) => {
  try {
    decideUnsafe(line);
  } catch {
    // as above
  }
};
const report = {
  scenarios: lines.length,
  rounds,
  runSimulation: await timed(safe),
  runUnsafeSimulation: await timed(unsafe),
};
process.stderr.write(JSON.stringify(report) + '\n');
