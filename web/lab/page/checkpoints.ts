// Panel 7: checkpoints as the CLI writes them. Save downloads config.json and model.safetensors;
// Load takes both files (picked or dropped) and hands them to the worker, which checks them
// (decodeCheckpoint names the file and the field) before touching the running session.
import { byId } from './dom.js';
import type { Lab } from './lab.js';

function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Sorts chosen files into the checkpoint's two, by name and then by content. */
export async function checkpointFiles(
  files: readonly File[],
): Promise<{ config: string; model: Uint8Array; name: string } | string> {
  if (files.length === 0) return 'choose the two files of a checkpoint: config.json and model.safetensors';
  let config: File | undefined;
  let model: File | undefined;
  for (const f of files) {
    if (/\.json$/i.test(f.name)) config ??= f;
    else if (/\.safetensors$/i.test(f.name)) model ??= f;
  }
  // names that say nothing: a JSON object starts with '{'; anything else is taken as the weights
  for (const f of files) {
    if (f === config || f === model) continue;
    const head = new Uint8Array(await f.slice(0, 1).arrayBuffer());
    if (head[0] === 0x7b && !config) config = f;
    else if (!model) model = f;
  }
  const names = files.map((f) => f.name).join(', ');
  if (!config) return `a checkpoint needs its config.json beside model.safetensors (got: ${names})`;
  if (!model) return `a checkpoint needs its model.safetensors beside config.json (got: ${names})`;
  return {
    config: await config.text(),
    model: new Uint8Array(await model.arrayBuffer()),
    name: files.length === 2 ? `${config.name} + ${model.name}` : model.name,
  };
}

export function setupCheckpoints(lab: Lab): void {
  const save = byId('save', HTMLButtonElement);
  const load = byId('load', HTMLInputElement);
  const message = byId('checkpoint-message');
  const panel = byId('panel-checkpoints');
  const say = (text: string, ok = false) => {
    message.className = ok ? 'message ok' : 'message';
    message.textContent = text;
  };

  save.onclick = async () => {
    save.disabled = true;
    try {
      const files = await lab.client.call({ kind: 'save' });
      download('config.json', files.config, 'application/json');
      download('model.safetensors', files.model as Uint8Array<ArrayBuffer>, 'application/octet-stream');
      say(
        `saved config.json and model.safetensors ` +
          `(${(files.model.byteLength / 2 ** 20).toFixed(2)} MiB) at step ${lab.step}: ` +
          'put them in one folder DIR and run vae sample --checkpoint DIR --out samples.png',
        true,
      );
    } catch (e) {
      say((e as Error).message);
    } finally {
      save.disabled = false;
    }
  };

  const loadFiles = async (files: readonly File[]) => {
    const picked = await checkpointFiles(files);
    if (typeof picked === 'string') return say(picked);
    say(`loading ${picked.name}…`, true);
    try {
      const m = await lab.client.call({ kind: 'load', config: picked.config, model: picked.model, name: picked.name }, [
        picked.model.buffer,
      ]);
      say(
        `loaded ${picked.name}: ${m.description}, ${m.parameters} parameters. Train continues it; Save writes it back.`,
        true,
      );
    } catch (e) {
      say(`${(e as Error).message}\nNothing changed: the current model and its charts are as they were.`);
    }
  };
  load.addEventListener('change', () => {
    void loadFiles(Array.from(load.files ?? []));
    load.value = '';
  });
  panel.addEventListener('dragover', (ev) => ev.preventDefault());
  panel.addEventListener('drop', (ev) => {
    ev.preventDefault();
    void loadFiles(Array.from(ev.dataTransfer?.files ?? []));
  });
  lab.on('status', () => {
    const ready = lab.model !== null && lab.state !== 'loading';
    save.disabled = !ready;
    load.disabled = !ready;
  });
}
