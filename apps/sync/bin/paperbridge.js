#!/usr/bin/env node
// A committed launcher, so package managers can link the binary before the first build.
import "../dist/bin.js"
