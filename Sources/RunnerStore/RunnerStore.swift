// Placeholder until the RunnerStore issue lands.
