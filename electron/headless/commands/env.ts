import { parseArgs } from 'node:util';
import type { EnvironmentInput } from '../../../shared/model/environment';
import { DEFAULT_MASKING, MaskingConfig } from '../../../shared/model/masking';
import { formatEnvironments, formatTest } from '../cli-format';
import { askOnTerminal, HostKeyRefused, pinHostKeys } from '../host-key-trust';
import { SSH_FLAG_OPTIONS, SSH_FLAG_USAGE, sshInputFromFlags } from '../ssh-flags';
import { flags, print, unwrap, UsageError, withCore, type CliCommand } from '../cli-kit';

/** The SSH hop of `env add`, a flag mistake as a usage error. */
function sshFromFlags(values: Parameters<typeof sshInputFromFlags>[0]): EnvironmentInput['ssh'] {
  try {
    return sshInputFromFlags(values);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `env list|add|test|remove`: the connection profiles. */
export const envCommand: CliCommand = {
  name: 'env',
  usage: `  watchfloor env list [--json]
  watchfloor env add --name NAME [--redis URL] [--amqp URL] [--management URL] [--postgres URL]
                     [--colour #RRGGBB] [--production] [--namespace PREFIX]
                     [--cluster HOST:PORT,HOST:PORT] [--json]
                     [--mask PATH ...] [--mask-value email|token|ip[@PATH] ...] [--no-default-masks]
                     --cluster: Redis Cluster; the URL's host and these nodes are the seeds
                     --mask: payload fields shown masked (details.*.ip, **.credentials.**), added to
                     the defaults unless --no-default-masks (then only these; none at all masks nothing)
${SSH_FLAG_USAGE}
  watchfloor env test NAME [--json]
  watchfloor env remove NAME`,
  async run(args) {
    const [sub, ...rest] = args;
    const options = {
      ...flags(['name', 'redis', 'amqp', 'management', 'postgres', 'colour', 'namespace', 'cluster'], ['json', 'production', 'no-default-masks']),
      mask: { type: 'string', multiple: true },
      'mask-value': { type: 'string', multiple: true },
      ...SSH_FLAG_OPTIONS,
    } as const;
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options });
    const asJson = values.json ?? false;
    return withCore(async (core) => {
      switch (sub) {
        case 'list': {
          const list = unwrap(await core.call('environments.list', {}));
          print(list, asJson, () => formatEnvironments(list));
          return 0;
        }
        case 'add': {
          if (!values.name) throw new UsageError('env add needs --name');
          if (values.cluster && !values.redis) throw new UsageError('--cluster needs --redis (its URL gives the user, password and TLS)');
          const clusterNodes = (values.cluster ?? '').split(',').map((node) => node.trim()).filter(Boolean);
          const input: EnvironmentInput = {
            name: values.name,
            production: values.production ?? false,
            redis: values.redis ? { url: values.redis, ...(clusterNodes.length > 0 ? { cluster: { nodes: clusterNodes } } : {}) } : null,
            amqp: values.amqp ? { url: values.amqp } : null,
            managementUrl: values.management ?? null,
            postgres: values.postgres ? { url: values.postgres } : null,
            ssh: sshFromFlags(values),
          };
          if (values.colour) input.colour = values.colour;
          if (values.namespace) input.namespace = values.namespace;
          const masking = maskingFromFlags(values.mask, values['mask-value'], values['no-default-masks'] ?? false);
          if (masking) input.masking = masking;
          let checked: EnvironmentInput;
          try {
            checked = await pinHostKeys(input, async (draft) => unwrap(await core.call('environments.test', { input: draft })), askOnTerminal, (line) => process.stderr.write(`${line}\n`));
          } catch (error) {
            if (!(error instanceof HostKeyRefused)) throw error;
            process.stderr.write(`${error.message}\n`);
            return 1;
          }
          const view = unwrap(await core.call('environments.add', checked));
          print(view, asJson, () => `added ${view.name} (id ${view.id})`);
          return 0;
        }
        case 'test': {
          const env = core.environments.find(positionals[0] ?? values.name ?? '');
          const result = unwrap(await core.call('environments.test', { id: env.id }));
          print(result, asJson, () => formatTest(result));
          const failed = (['redis', 'amqp', 'management', 'postgres'] as const).some((k) => result[k].configured && !result[k].ok) || (result.ssh?.configured === true && !result.ssh.ok);
          return failed ? 1 : 0;
        }
        case 'remove': {
          const env = core.environments.find(positionals[0] ?? values.name ?? '');
          unwrap(await core.call('environments.remove', { id: env.id }));
          print({ id: env.id }, asJson, () => `removed ${env.name}`);
          return 0;
        }
        default:
          throw new UsageError(`unknown env command "${sub ?? ''}"`);
      }
    });
  },
};

/** The profile's masking from `--mask`, `--mask-value` and `--no-default-masks`; undefined (the defaults) when none is given. */
export function maskingFromFlags(paths: string[] | undefined, values: string[] | undefined, isWithoutDefaults: boolean): MaskingConfig | undefined {
  if (!paths?.length && !values?.length && !isWithoutDefaults) return undefined;
  const base = isWithoutDefaults ? { paths: [], values: [] } : DEFAULT_MASKING;
  const parsed = MaskingConfig.safeParse({ paths: [...base.paths, ...(paths ?? [])], values: [...base.values, ...(values ?? [])] });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}
