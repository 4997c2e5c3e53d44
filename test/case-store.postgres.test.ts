import { caseStoreSuite } from './support/case-store-suite.js';
import { freshDatabase } from './support/postgres.js';

caseStoreSuite(freshDatabase);
