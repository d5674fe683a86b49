// extmgmt.dev.azure.com (mounted at /azdo/extmgmt): installed extensions, and uninstall by publisher and name.

import type { SandboxReply, SandboxRequest } from '../emulator.js';
import { recordAudit } from './audit.js';
import { AzdoHttpError, type AzdoContext, type AzdoRoute } from './http.js';
import type { InstalledExtension } from './world.js';

function extensionJson(ctx: AzdoContext, e: InstalledExtension): Record<string, unknown> {
  return {
    extensionId: e.extensionId,
    extensionName: e.extensionName,
    publisherId: e.publisherId,
    publisherName: e.publisherName,
    version: e.version,
    registrationId: e.publisherId,
    manifestVersion: 1,
    baseUri: `https://${e.publisherName}.gallerycdn.vsassets.io/extensions/${e.publisherName}/${e.extensionId}/${e.version}`,
    fallbackBaseUri: `https://${e.publisherName}.gallery.vsassets.io/_apis/public/gallery/publisher/${e.publisherName}/extension/${e.extensionId}/${e.version}/assetbyname`,
    scopes: ['vso.work'],
    installState: { flags: 'none', lastUpdated: e.installedDate },
    lastPublished: e.lastPublished,
    flags: e.flags,
    contributions: [],
    contributionTypes: [],
    files: [],
    _links: { self: { href: `${ctx.baseUrl}/${ctx.org.name}/_apis/ExtensionManagement/InstalledExtensionsByName/${e.publisherName}/${e.extensionId}` } },
  };
}

function listInstalled(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  return { status: 200, json: { count: ctx.org.extensions.length, value: ctx.org.extensions.map((e) => extensionJson(ctx, e)) } };
}

function installedIndex(ctx: AzdoContext): number {
  const publisher = ctx.params['publisherName']!.toLowerCase();
  const name = ctx.params['extensionName']!.toLowerCase();
  const index = ctx.org.extensions.findIndex((e) => e.publisherName.toLowerCase() === publisher && e.extensionId.toLowerCase() === name);
  if (index < 0) {
    throw new AzdoHttpError(
      404,
      'InstalledExtensionNotFoundException',
      `TF1590010: Extension ${ctx.params['publisherName']}.${ctx.params['extensionName']} is not installed in ${ctx.org.name}.`,
      'Microsoft.VisualStudio.Services.ExtensionManagement.WebApi',
    );
  }
  return index;
}

function getInstalled(_req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  return { status: 200, json: extensionJson(ctx, ctx.org.extensions[installedIndex(ctx)]!) };
}

/** DELETE …/installedextensionsbyname/{publisherName}/{extensionName}[?reason=&reasonCode=] → 200. */
function uninstall(req: SandboxRequest, ctx: AzdoContext): SandboxReply {
  const index = installedIndex(ctx);
  const [removed] = ctx.org.extensions.splice(index, 1);
  ctx.org.uninstalledExtensions.push({
    publisherName: removed!.publisherName,
    extensionName: removed!.extensionId,
    reason: req.query.get('reason'),
    reasonCode: req.query.get('reasonCode'),
    time: new Date(ctx.nowMs).toISOString(),
  });
  recordAudit(ctx, {
    actionId: 'Extension.Uninstalled',
    area: 'Extension',
    category: 'Remove',
    details: `Extension "${removed!.extensionName}" from publisher "${removed!.publisherName}" was uninstalled.`,
    projectName: null,
    data: { PublisherName: removed!.publisherName, ExtensionName: removed!.extensionId, Reason: req.query.get('reason') },
  });
  return { status: 200 };
}

export const extmgmtRoutes: AzdoRoute[] = [
  { method: 'GET', path: '/:org/_apis/extensionmanagement/installedextensions', version: 'preview', handler: listInstalled },
  { method: 'GET', path: '/:org/_apis/extensionmanagement/installedextensionsbyname/:publisherName/:extensionName', version: 'preview', handler: getInstalled },
  { method: 'DELETE', path: '/:org/_apis/extensionmanagement/installedextensionsbyname/:publisherName/:extensionName', version: 'preview', handler: uninstall },
];
