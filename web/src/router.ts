// Routes of the portal. The public site is loaded eagerly only for the home page; every other
// page is a chunk of its own, so the first visit downloads little. Later areas (the subject's
// user center under /my, the operator consoles under /console) add their routes here.
import { createRouter, createWebHistory } from 'vue-router';
import HomePage from './pages/public/HomePage.vue';
import { locale, t } from './i18n';
import { watch } from 'vue';

declare module 'vue-router' {
  interface RouteMeta {
    // i18n key of the page title; the subject page sets its own from the subject's name.
    title?: string;
  }
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'home', component: HomePage, meta: { title: 'home.title' } },
    {
      path: '/search',
      name: 'search',
      component: () => import('./pages/public/SearchPage.vue'),
      meta: { title: 'search.title' },
    },
    {
      path: '/subjects/:code',
      name: 'subject',
      component: () => import('./pages/public/SubjectPage.vue'),
      meta: { title: 'subject.title' },
    },
    { path: '/console', redirect: { name: 'console-upload' } },
    {
      path: '/console/upload',
      name: 'console-upload',
      component: () => import('./pages/console/UploadPage.vue'),
      meta: { title: 'console.title' },
    },
    {
      path: '/console/quality',
      name: 'console-quality',
      component: () => import('./pages/console/QualityPage.vue'),
      meta: { title: 'quality.title' },
    },
    {
      path: '/console/batches/:batch',
      name: 'console-batch',
      component: () => import('./pages/console/BatchPage.vue'),
      meta: { title: 'console.reportTitle' },
    },
    {
      path: '/console/cases',
      name: 'console-cases',
      component: () => import('./pages/console/CasesPage.vue'),
      meta: { title: 'dueprocess.queueTitle' },
    },
    {
      path: '/my/objections',
      name: 'my-objections',
      component: () => import('./pages/my/ObjectionsPage.vue'),
      meta: { title: 'dueprocess.myTitle' },
    },
    {
      path: '/my/restoration',
      name: 'my-restoration',
      component: () => import('./pages/my/RestorationPage.vue'),
      meta: { title: 'restoration.title' },
    },
    {
      path: '/login',
      name: 'login',
      component: () => import('./pages/my/LoginPage.vue'),
      meta: { title: 'account.loginTitle' },
    },
    {
      // The subject's user center: later capabilities add their tabs as children here.
      path: '/my',
      component: () => import('./pages/my/MyLayout.vue'),
      meta: { title: 'my.title' },
      children: [
        { path: '', name: 'my-file', component: () => import('./pages/my/MyFilePage.vue'), meta: { title: 'my.title' } },
        {
          path: 'access-log',
          name: 'my-access-log',
          component: () => import('./pages/my/MyAccessLogPage.vue'),
          meta: { title: 'my.tabAccessLog' },
        },
        {
          path: 'account',
          name: 'my-account',
          component: () => import('./pages/my/MyAccountPage.vue'),
          meta: { title: 'my.tabAccount' },
        },
      ],
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('./pages/NotFoundPage.vue'),
      meta: { title: 'notFound.title' },
    },
  ],
  scrollBehavior(to, from, saved) {
    if (saved) return saved;
    // Paging and tab changes keep the reader where they are.
    if (to.path === from.path) return false;
    return { top: 0 };
  },
});

// A page may refine the title (e.g. with a subject's name) through setPageTitle().
const pageTitle = { key: '', text: '' };

function applyTitle(): void {
  const suffix = t('app.name');
  const page = pageTitle.text || (pageTitle.key ? t(pageTitle.key) : '');
  document.title = page && pageTitle.key !== 'home.title' ? `${page} - ${suffix}` : suffix;
}

export function setPageTitle(text: string): void {
  pageTitle.text = text;
  applyTitle();
}

router.afterEach((to) => {
  pageTitle.key = to.meta.title ?? '';
  pageTitle.text = '';
  applyTitle();
});
watch(locale, applyTitle);
