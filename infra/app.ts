#!/usr/bin/env node
import { createApp } from './create-app.js';

/** `cdk synth` entry (cdk.json: `npx tsx infra/app.ts`). cdk-nag runs as a validation plugin. */
const { app } = createApp();
app.synth();
