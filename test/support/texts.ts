// Tests that drive a module without building the App (render, flows, reports) speak with the same texts
// the service registers at start-up.
import '../../src/texts.js';
