import express from 'express';

// Tenant-aware settings API. Settings are loaded from the "settings store"
// (simulated) and memoised per tenant so hot tenants don't hit the store.
const DEFAULTS = { theme: 'light', locale: 'en-US', features: ['billing', 'reports', 'sso'], limits: { users: 50, storageGb: 10 } };

const tenantSettingsCache = {};

async function loadSettingsFromStore(tenantId) {
  await new Promise((r) => setImmediate(r));
  return {
    ...DEFAULTS,
    tenantId,
    branding: { logoUrl: `https://cdn.example.com/${tenantId}/logo.png`, colors: new Array(64).fill(0).map((_, i) => `#${(i * 9973 + tenantId.length).toString(16).padStart(6, '0')}`) },
    loadedAt: new Date().toISOString(),
  };
}

async function getSettings(tenantId) {
  if (!tenantSettingsCache[tenantId]) tenantSettingsCache[tenantId] = await loadSettingsFromStore(tenantId);
  return tenantSettingsCache[tenantId];
}

export const app = express();
app.get('/t/:tenant/settings', async (req, res) => {
  const settings = await getSettings(req.params.tenant);
  res.json({ theme: settings.theme, locale: settings.locale, branding: settings.branding.logoUrl });
});
app.get('/health', (req, res) => res.send('ok'));
