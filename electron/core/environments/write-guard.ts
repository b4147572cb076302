import { CodedError } from '../../../shared/contract/errors';
import { isReadOnly, type EnvironmentProfile } from './profile';

/** Refuses a write on a read-only environment, in the core, whatever the UI shows. */
export function assertWritable(profile: EnvironmentProfile, action: string): void {
  if (isReadOnly(profile)) {
    throw new CodedError('READ_ONLY', `${profile.name} is read-only: "${action}" was refused. Edit the environment to allow changes.`);
  }
}
