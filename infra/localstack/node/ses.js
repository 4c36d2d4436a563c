// Starts aws-ses-v2-local (infra/node_modules) keeping every email it
// accepts in a file, so that `upward dev`'s email viewer still shows the
// welcomes and sign-in links sent before a restart, as the table still
// holds their data. The emulator keeps its store in memory only: this
// loads the file into that store at start, and appends each email as the
// emulator saves it — before the SES call answers, so an email the
// application was told was sent is already on disk.
'use strict'
const fs = require('fs')
const path = require('path')

// argv: node ses.js <node_modules> <file, or "" to keep nothing> [aws-ses-v2-local's own arguments]
const [modules, file] = process.argv.slice(2, 4)
process.argv.splice(2, 2)

if (file) {
  const store = require(path.join(modules, 'aws-ses-v2-local', 'dist', 'store.js'))
  for (const name of ['saveEmail', 'clearStore', 'getStoreReadonly']) {
    if (typeof store[name] !== 'function') {
      // A new version of the emulator moved its store: fail loudly rather
      // than lose mail quietly.
      console.error(`aws-ses-v2-local's store has no ${name}: infra/localstack/node/ses.js must follow the new version`)
      process.exit(1)
    }
  }
  let lines = []
  try {
    lines = fs.readFileSync(file, 'utf8').split('\n')
  } catch (err) {
    if (err.code !== 'ENOENT') {
      throw err
    }
  }
  // Loaded straight into the store, not through saveEmail: nothing is
  // written again, or forwarded over SMTP a second time.
  const emails = store.getStoreReadonly().emails
  for (const line of lines) {
    if (line.trim() === '') {
      continue
    }
    try {
      emails.push(JSON.parse(line))
    } catch (err) {
      // Only a line cut short by a crash can fail; the rest still count.
      console.error(`skipping an unreadable line of ${file}: ${err.message}`)
    }
  }
  const save = store.saveEmail
  store.saveEmail = (email) => {
    fs.appendFileSync(file, JSON.stringify(email) + '\n', { mode: 0o600 })
    save(email)
  }
  // The viewer's "clear" empties the file too.
  const clear = store.clearStore
  store.clearStore = () => {
    clear()
    fs.writeFileSync(file, '', { mode: 0o600 })
  }
}
require(path.join(modules, 'aws-ses-v2-local', 'dist', 'cli.js'))
