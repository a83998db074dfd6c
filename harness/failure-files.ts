/** The files of one saved failure's folder (failures/<id>/), by name: written by the report folder,
 *  linked by report.html. */
export const FAILURE_FILE = 'failure.json';
export const HISTORY_FILE = 'history.jsonl';
/** A --client-cmd program's stdout and stderr, when the failure has one. */
export const CLIENT_OUTPUT_FILE = 'client-output.txt';
