export {
  EdxvalVideoApi,
  EdxvalVideoApiSettings,
  makeEdxvalVideoApiSettings,
  type EdxTokenIssued,
  type EdxvalVideoApiSettingsInput,
} from "./edx-video-api.js";
