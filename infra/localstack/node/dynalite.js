// Starts dynalite (infra/node_modules) so that a client hanging up in the
// middle of a request cannot kill it. dynalite throws from the request's
// 'error' handler, so one request aborted by its client (a test's context
// cancelled, a timeout) ended the process and failed every test after it.
// DynamoDB itself shrugs such requests off; so does this.
'use strict'
const path = require('path')

process.on('uncaughtException', (err) => {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
    return
  }
  console.error(err)
  process.exit(1)
})

// argv: node dynalite.js <node_modules> [dynalite's own arguments]
const modules = process.argv[2]
process.argv.splice(2, 1)
require(path.join(modules, 'dynalite', 'cli.js'))
