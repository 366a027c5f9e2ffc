// Imported first by main.tsx: the console's CSP has no 'unsafe-eval', so zod must not probe for
// or compile parsers with new Function (the probe alone is reported as a CSP violation).
import { z } from 'zod';

z.config({ jitless: true });
