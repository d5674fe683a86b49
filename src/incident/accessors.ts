// Typed views of an incident's entities and custom details. They live on a shared prototype so that an
// Incident serialises to its plain IncidentData (orchestration input) and can be re-wrapped after replay.
import type {
  AccountEntity,
  CloudApplicationEntity,
  EntityData,
  FileEntity,
  HostEntity,
  Incident,
  IncidentData,
  IpEntity,
  UrlEntity,
} from './model.js';
import type { JsonObject, JsonValue } from './untrustedJson.js';

const incidentMethods: ThisType<IncidentData> & Omit<Incident, keyof IncidentData> = {
  accounts() {
    return ofKind(this, 'Account').map((e) => {
      const accountName = str(e.properties, 'accountName');
      const upnSuffix = str(e.properties, 'upnSuffix');
      return compact<AccountEntity>({
        id: e.id,
        friendlyName: e.friendlyName,
        accountName,
        upnSuffix,
        upn: accountName && upnSuffix ? `${accountName}@${upnSuffix}` : undefined,
        displayName: str(e.properties, 'displayName'),
        aadUserId: str(e.properties, 'aadUserId'),
        aadTenantId: str(e.properties, 'aadTenantId'),
        ntDomain: str(e.properties, 'ntDomain'),
        dnsDomain: str(e.properties, 'dnsDomain'),
        sid: str(e.properties, 'sid'),
        objectGuid: str(e.properties, 'objectGuid'),
      });
    });
  },
  ips() {
    return ofKind(this, 'Ip').flatMap((e) => {
      const address = str(e.properties, 'address');
      if (!address) return [];
      const location = obj(e.properties, 'location');
      return [
        compact<IpEntity>({
          id: e.id,
          friendlyName: e.friendlyName,
          address,
          countryCode: location && str(location, 'countryCode'),
          countryName: location && str(location, 'countryName'),
          city: location && str(location, 'city'),
        }),
      ];
    });
  },
  urls() {
    return ofKind(this, 'Url').flatMap((e) => {
      const url = str(e.properties, 'url');
      return url ? [compact<UrlEntity>({ id: e.id, friendlyName: e.friendlyName, url })] : [];
    });
  },
  hosts() {
    return ofKind(this, 'Host').map((e) =>
      compact<HostEntity>({
        id: e.id,
        friendlyName: e.friendlyName,
        hostName: str(e.properties, 'hostName'),
        dnsDomain: str(e.properties, 'dnsDomain'),
        netBiosName: str(e.properties, 'netBiosName'),
        azureId: str(e.properties, 'azureID') ?? str(e.properties, 'azureId'),
        osFamily: str(e.properties, 'osFamily'),
        osVersion: str(e.properties, 'osVersion'),
      }),
    );
  },
  cloudApplications() {
    return ofKind(this, 'CloudApplication').map((e) => {
      const appId = e.properties.appId;
      return compact<CloudApplicationEntity>({
        id: e.id,
        friendlyName: e.friendlyName,
        appId: typeof appId === 'number' ? appId : undefined,
        appName: str(e.properties, 'appName'),
        instanceName: str(e.properties, 'instanceName'),
      });
    });
  },
  files() {
    return ofKind(this, 'File').map((e) =>
      compact<FileEntity>({
        id: e.id,
        friendlyName: e.friendlyName,
        fileName: str(e.properties, 'fileName'),
        directory: str(e.properties, 'directory'),
      }),
    );
  },
  entitiesOfKind(kind: string) {
    return ofKind(this, kind);
  },
  customDetail(name: string) {
    const wanted = name.toLowerCase();
    const values = new Set<string>();
    for (const alert of this.alerts) {
      for (const [key, list] of Object.entries(alert.customDetails)) {
        if (key.toLowerCase() === wanted) for (const v of list) values.add(v);
      }
    }
    return [...values];
  },
};

/** Attaches the accessors to incident data (e.g. an orchestration's input). The result is frozen. */
export function toIncident(data: IncidentData): Incident {
  const incident = Object.create(incidentMethods) as Incident;
  Object.assign(incident, data);
  return Object.freeze(incident);
}

function ofKind(incident: IncidentData, kind: string): EntityData[] {
  const wanted = kind.toLowerCase();
  return incident.entities.filter((e) => e.kind.toLowerCase() === wanted);
}

function str(o: Readonly<JsonObject>, key: string): string | undefined {
  const v: JsonValue | undefined = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(o: Readonly<JsonObject>, key: string): JsonObject | undefined {
  const v = o[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

/** Drops undefined members so views serialise and compare cleanly. */
function compact<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return Object.freeze(out) as T;
}
