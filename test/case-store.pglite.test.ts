import { openDatabase } from '../src/db/client.js';
import { caseStoreSuite } from './support/case-store-suite.js';

// In memory: the same migrations and queries as on disk under ./data, without leaving files behind.
caseStoreSuite(() => openDatabase({}));
