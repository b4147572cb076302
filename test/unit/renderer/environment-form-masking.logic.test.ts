import { describe, expect, it } from 'vitest';
import { DEFAULT_MASKING } from '../../../shared/model/masking';
import { addMaskRule, maskingFormValuesFrom, maskingInputFrom, removeMaskRule } from '../../../renderer/src/features/environments/environment-form-masking.logic';

describe('the masked fields of the environment form (env add --mask in the window)', () => {
  it('sends nothing when left alone (a new environment gets the defaults, an edit keeps its rules)', () => {
    expect(maskingInputFrom(maskingFormValuesFrom(undefined))).toBeUndefined();
    expect(maskingInputFrom(maskingFormValuesFrom({ paths: ['a'], values: [] }))).toBeUndefined();
  });
  it('splits what is in force into the defaults and own rules, and puts them together again', () => {
    const form = maskingFormValuesFrom({ paths: [...DEFAULT_MASKING.paths, '**.card_number'], values: [...DEFAULT_MASKING.values] });
    expect(form).toMatchObject({ useDefaults: true, paths: ['**.card_number'], values: [] });
    const added = addMaskRule(form, 'ip', '**.net.**');
    if ('error' in added) throw new Error(added.error);
    expect(maskingInputFrom(added.values)).toEqual({ paths: [...DEFAULT_MASKING.paths, '**.card_number'], values: [...DEFAULT_MASKING.values, 'ip@**.net.**'] });
    const off = { ...removeMaskRule(added.values, 'path', '**.card_number'), useDefaults: false };
    expect(maskingInputFrom(off)).toEqual({ paths: [], values: ['ip@**.net.**'] });
    // Without all the defaults, every rule is one's own (removable).
    expect(maskingFormValuesFrom({ paths: ['**.password'], values: ['email'] })).toMatchObject({ useDefaults: false, paths: ['**.password'], values: ['email'] });
  });
  it('names a bad or repeated rule as the host would', () => {
    const form = maskingFormValuesFrom(undefined);
    expect(addMaskRule(form, 'path', 'a..b')).toEqual({ error: expect.stringContaining('a mask path is keys') });
    expect(addMaskRule(form, 'path', ' ')).toEqual({ error: expect.stringContaining('type the field path') });
    expect(addMaskRule(form, 'email', '')).toEqual({ error: 'email is masked already' });
    expect(addMaskRule(form, 'path', '**.password')).toEqual({ error: '**.password is masked already' });
    expect(addMaskRule({ ...form, useDefaults: false }, 'email', '')).toMatchObject({ values: { values: ['email'], isEdited: true } });
  });
});
