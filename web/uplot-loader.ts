// uPlot and its stylesheet, split into their own chunk: only the pipeline page's charts load them.
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

export { uPlot, uplotCss };
