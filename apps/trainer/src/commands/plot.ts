import { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { checkOutputPaths } from '../io/output-paths.js';
import { readArtifactFile } from '../io/read-artifact.js';
import { defaultPlotPath, writePlot } from '../report/training-report.js';
import { UserError } from '../user-error.js';

interface PlotFlags {
  model: string;
  out?: string;
  json: boolean;
}

/** `edgerec plot`: redraw a model's training curves (loss and RMSE per epoch) as an SVG. */
export function plotCommand(): Command {
  return new Command('plot')
    .description('Plot the training curves stored in a model artifact (loss and RMSE per epoch) to an SVG.')
    .requiredOption('-m, --model <file>', 'model artifact written by edgerec train')
    .option('-o, --out <file>', 'where to write the SVG (default: <model>.curves.svg beside the model)')
    .option('--json', 'print what was written as one JSON document on stdout', false)
    .addHelpText('after', '\nExample:\n  edgerec plot --model model.json --out curves.svg')
    .action(async (flags: PlotFlags) => {
      const out = flags.out ?? defaultPlotPath(flags.model);
      await checkOutputPaths([{ label: '--out file', path: out }], { inputs: [flags.model], force: true });
      const { meta } = await readArtifactFile(flags.model);
      if (meta.training.history.length === 0) throw new UserError(`${flags.model} has no training history to plot`);
      await writePlot(out, meta.training);
      const { epochs, bestEpoch } = meta.training;
      const result = { out, model: flags.model, epochs, bestEpoch, bytes: (await stat(out)).size };
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `wrote ${out}\n`);
    });
}
