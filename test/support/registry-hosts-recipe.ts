/**
 * A recipe of the kind a user writes, for issue 10's point 7: it edits the registries' own host
 * names (`registry_public_host`, among them inventory/group_vars/oci_registry of the fixture,
 * which our renderer cannot render) and flatpak-indexer's public URL.
 */
import { fileURLToPath } from 'node:url';

/** Path of the recipe file (test/support/registry-hosts.yml). */
export const REGISTRY_HOSTS_RECIPE = fileURLToPath(new URL('./registry-hosts.yml', import.meta.url));
