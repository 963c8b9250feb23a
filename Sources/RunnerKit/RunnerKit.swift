// Placeholder until the RunnerKit issue lands.
