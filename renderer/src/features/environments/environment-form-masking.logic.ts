import { DEFAULT_MASKING, MaskPath, MaskValueRule, type MaskingConfig, type MaskKind } from '../../../../shared/model/masking';

/**
 * The masked fields of the environment form (issue 20), as `env add --mask PATH --mask-value
 * KIND[@PATH] [--no-default-masks]` sets them: the seed defaults on or off, and rules of one's own.
 */
export interface MaskingFormValues {
  /** The seed defaults (DEFAULT_MASKING) are part of the rules. */
  useDefaults: boolean;
  /** Path rules beyond the defaults. */
  paths: string[];
  /** Value rules beyond the defaults (`email`, `ip@**.details.**`). */
  values: string[];
  /** Changed in the form: only then is the masking sent (absent keeps a profile's, or gives a new one the defaults). */
  isEdited: boolean;
}

/** What is in force split into the defaults (when all of them are there) and the rest. */
export function maskingFormValuesFrom(config: MaskingConfig | undefined): MaskingFormValues {
  if (!config) return { useDefaults: true, paths: [], values: [], isEdited: false };
  const useDefaults = DEFAULT_MASKING.paths.every((p) => config.paths.includes(p)) && DEFAULT_MASKING.values.every((v) => config.values.includes(v));
  return {
    useDefaults,
    paths: useDefaults ? config.paths.filter((p) => !DEFAULT_MASKING.paths.includes(p)) : [...config.paths],
    values: useDefaults ? config.values.filter((v) => !DEFAULT_MASKING.values.includes(v)) : [...config.values],
    isEdited: false,
  };
}

/** The masking as `environments.add`/`update` take it; undefined when the form left it alone. */
export function maskingInputFrom(values: MaskingFormValues): MaskingConfig | undefined {
  if (!values.isEdited) return undefined;
  const base = values.useDefaults ? DEFAULT_MASKING : { paths: [], values: [] };
  return { paths: [...new Set([...base.paths, ...values.paths])], values: [...new Set([...base.values, ...values.values])] };
}

/** Every rule in force with where it comes from, for the list. */
export function maskingRulesOf(values: MaskingFormValues): { rule: string; kind: 'path' | 'value'; isDefault: boolean }[] {
  const defaults = values.useDefaults ? DEFAULT_MASKING : { paths: [], values: [] };
  return [
    ...defaults.paths.map((rule) => ({ rule, kind: 'path' as const, isDefault: true })),
    ...defaults.values.map((rule) => ({ rule, kind: 'value' as const, isDefault: true })),
    ...values.paths.map((rule) => ({ rule, kind: 'path' as const, isDefault: false })),
    ...values.values.map((rule) => ({ rule, kind: 'value' as const, isDefault: false })),
  ];
}

/**
 * Adds a rule: a path (`kind` 'path'), or a value kind anywhere or under the path typed. The rule
 * is checked as the host checks it, so a typo is named at once.
 */
export function addMaskRule(values: MaskingFormValues, kind: 'path' | MaskKind, path: string): { values: MaskingFormValues } | { error: string } {
  const typed = path.trim();
  if (kind === 'path') {
    if (!typed) return { error: 'type the field path to mask (credentials.**, **.password, details.*.ip)' };
    const parsed = MaskPath.safeParse(typed);
    if (!parsed.success) return { error: parsed.error.issues[0]!.message };
    if (values.paths.includes(parsed.data) || (values.useDefaults && DEFAULT_MASKING.paths.includes(parsed.data))) return { error: `${parsed.data} is masked already` };
    return { values: { ...values, paths: [...values.paths, parsed.data], isEdited: true } };
  }
  const rule = typed ? `${kind}@${typed}` : kind;
  const parsed = MaskValueRule.safeParse(rule);
  if (!parsed.success) return { error: parsed.error.issues[0]!.message };
  if (values.values.includes(parsed.data) || (values.useDefaults && DEFAULT_MASKING.values.includes(parsed.data))) return { error: `${parsed.data} is masked already` };
  return { values: { ...values, values: [...values.values, parsed.data], isEdited: true } };
}

/** Removes one of one's own rules (a default goes with the defaults toggle). */
export function removeMaskRule(values: MaskingFormValues, kind: 'path' | 'value', rule: string): MaskingFormValues {
  return kind === 'path' ? { ...values, paths: values.paths.filter((p) => p !== rule), isEdited: true } : { ...values, values: values.values.filter((v) => v !== rule), isEdited: true };
}
