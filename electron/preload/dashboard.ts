/** Preload of the dashboard window: the typed app API and the engine port. */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createAppApi } from './api.js';
import { forwardEnginePort } from './forward-port.js';

contextBridge.exposeInMainWorld(
  'backpropLens',
  createAppApi(ipcRenderer, process.platform, (file) => webUtils.getPathForFile(file as File)),
);
forwardEnginePort();
