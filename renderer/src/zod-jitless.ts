import { z } from 'zod';

// zod compiles validators with `new Function` when it may; the page's CSP forbids that (no
// 'unsafe-eval'), so its feature probe would raise a CSP violation. Interpreted mode, no probe.
// Imported first by main.tsx: schemas read the setting when they are built.
z.config({ jitless: true });
