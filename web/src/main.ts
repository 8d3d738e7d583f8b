import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { loc, t } from './i18n';
import './styles/main.css';

const app = createApp(App);
app.config.globalProperties.$t = t;
app.config.globalProperties.$loc = loc;
app.use(router);
app.mount('#app');
