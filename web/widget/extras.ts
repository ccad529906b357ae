// What the widget needs only sometimes, as a script of its own, widget/extras.js, loaded
// the first time it is needed: a verified user's past conversations (past.ts), when a
// welcome lists some, and the upload of an attachment (shared/files.ts), when the
// visitor picks a file. Most visitors do neither, and the chat app's weight budget has
// no room for code they never run (bench/README.md "Widget weight"). A classic script
// (script-src 'self'): it sets the global the widget reads.
import { PastChats } from "./past";
import { uploadFile } from "../shared/files";

const extras = { PastChats, uploadFile };
export type WidgetExtras = typeof extras;
(globalThis as { ParleyExtras?: WidgetExtras }).ParleyExtras = extras;
