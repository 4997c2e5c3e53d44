import type { DocumentCatalog } from '../flows/context.js';
import type { DocumentStore } from './document-store.js';
import type { DownloadLinks } from './download-links.js';

/** The published documents as the conversation flows see them: search, read, download with a signed link. */
export function documentCatalog(store: DocumentStore, links: DownloadLinks): DocumentCatalog {
  return {
    search: (_tx, query, limit) => store.listPublished({ ...(query ? { words: query } : {}), limit }),
    async get(_tx, id) {
      const doc = await store.get(id);
      return doc?.published ? doc : null;
    },
    async recordDownload(_tx, documentId, stakeholderId, channel) {
      await store.recordDownload(documentId, stakeholderId, channel);
    },
    downloadUrl: (documentId) => ({ url: links.url(documentId), validHours: links.ttlHours }),
  };
}
