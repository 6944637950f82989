"""The auto-roster: a month of open positions filled by Google OR-Tools' CP-SAT solver.

- `instance` reads one organization's open positions, responders and fixed assignments, and asks the
  eligibility engine (and through it the readiness engine, in one batch) who may take each position.
- `solver` turns that into a CP-SAT model: the engine's per-person rules decide the candidates; the
  rules that depend on what else the roster gives a person (overlap, rest, daily and 7-day hours,
  one position per shift, a lead before a trainee, capacity) are stated once more as constraints,
  with the engine's own arithmetic (`eligibility_rules`), and a property test proves the two agree.
- `services` runs it as a job with progress and cancel, explains each unfilled position with the
  engine's reason codes, and applies an accepted proposal through the assignment service.
"""
