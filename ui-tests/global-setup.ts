/**
 * Playwright global set-up: start one JupyterLab and one Notebook 7 server for the whole run and
 * hand their URLs to the tests through environment variables; the returned function stops them.
 */
import { startServer, stopServer } from './helpers/servers';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const [lab, notebook] = await Promise.all([startServer('lab'), startServer('notebook')]);
  process.env.SWEEPWALK_LAB_URL = lab.url;
  process.env.SWEEPWALK_NOTEBOOK_URL = notebook.url;
  return async () => {
    await Promise.all([stopServer(lab), stopServer(notebook)]);
  };
}
