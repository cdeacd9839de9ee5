-- Live counts (issue 8): the counts a running step last reported on step.progress, so the fold replaces them with
-- the next figures (or step.end's) instead of adding them twice.
ALTER TABLE `run_steps` ADD `progress_counts` text;
