import { Command } from 'commander';
import { reportResponseTimesCommand } from './report-response-times-command.js';
import { reportTopicsCommand } from './report-topics-command.js';
import { reportFaqGapsCommand } from './report-faq-gaps-command.js';

/** `supportlens report <what>`: one subcommand per report. */
export function reportCommand(): Command {
  const report = new Command('report').description('Print a report from the analysed data (run "supportlens analyze" first)');
  report.addCommand(reportResponseTimesCommand());
  report.addCommand(reportTopicsCommand());
  report.addCommand(reportFaqGapsCommand());
  for (const command of report.commands) command.exitOverride();
  return report;
}
