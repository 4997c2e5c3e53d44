import { type DocumentStore, downloadName } from '../files/index.js';
import type { DocumentCatalog } from '../flows/index.js';
import type { DownloadLinks } from './download-links.js';

/** The published documents as the conversation flows see them: search, read, download with a signed link. */
export function documentCatalog(store: DocumentStore, links: DownloadLinks): DocumentCatalog {
  return {
    search: (tx, query, limit) => store.listPublished({ ...(query ? { words: query } : {}), limit }, tx),
    async get(tx, id) {
      const doc = await store.get(id, tx);
      return doc?.published ? { ...doc, fileName: downloadName(doc) } : null;
    },
    async recordDownload(tx, documentId, stakeholderId, channel) {
      await store.recordDownload(documentId, stakeholderId, channel, tx);
    },
    downloadUrl: (documentId) => ({ url: links.url(documentId), validHours: links.ttlHours }),
  };
}
