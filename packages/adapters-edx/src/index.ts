export { EdxvalVideoApi, type EdxVideoApiConfig } from "./edx-video-api.js";
