// Placeholder until the RunnerPlots issue lands.
